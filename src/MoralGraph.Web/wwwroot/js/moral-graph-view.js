// The moral graph of one question and context, drawn with the vendored Cytoscape.js (wwwroot-assets/cytoscape,
// served at /vendor/cytoscape: never a CDN, rooms have poor networks). Used by Components/Console/MoralGraphView.razor:
// create() draws a graph, and the returned view's update() changes it in place — tallies and sizes change without
// moving anything, and a layout runs only when values are added, starting from where everything already is.

let loadingCytoscape;

function loadCytoscape(url) {
  if (globalThis.cytoscape) {
    return Promise.resolve(globalThis.cytoscape);
  }

  // The library is a UMD script (it sets globalThis.cytoscape), so it is loaded as a script, once per page.
  loadingCytoscape ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.onload = () => resolve(globalThis.cytoscape);
    script.onerror = () => {
      loadingCytoscape = undefined;
      reject(new Error(`Could not load the graph library from ${url}.`));
    };
    document.head.appendChild(script);
  });
  return loadingCytoscape;
}

// Colours meet WCAG AA against white, like the rest of the app's theme.
const style = [
  {
    selector: 'node',
    style: {
      'label': 'data(label)',
      'width': 'data(size)',
      'height': 'data(size)',
      'background-color': '#3f51b5',
      'color': '#1f1f1f',
      'font-size': 11,
      'text-wrap': 'wrap',
      'text-max-width': 140,
      'text-valign': 'bottom',
      'text-margin-y': 4,
      // Nodes and their labels are drawn above edges: on a white ground, arrows pass under a label, not through it.
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.9,
      'text-background-shape': 'roundrectangle',
      'text-background-padding': 2,
    },
  },
  { selector: 'node[rank = 1]', style: { 'background-color': '#2e7d32', 'border-width': 3, 'border-color': '#1b5e20' } },
  {
    selector: 'edge',
    style: {
      'width': 'data(width)',
      'curve-style': 'bezier',
      'target-arrow-shape': 'triangle',
      'line-color': '#616161',
      'target-arrow-color': '#616161',
    },
  },
  { selector: 'edge[!inRanking]', style: { 'opacity': 0.45 } },
  { selector: 'edge[?contested]', style: { 'line-style': 'dashed', 'line-color': '#c62828', 'target-arrow-color': '#c62828', 'opacity': 1 } },
];

// Smallest size a value's label is drawn at on the screen, whatever zoom the layout fits the graph at (a fitted graph
// on a phone is zoomed out to about 0.7, which drew 11 px labels at 8 px).
const minimumLabelPixels = 12;

function keepLabelsReadable(cy, element) {
  const zoom = cy.zoom();
  const fontSize = Math.max(11, minimumLabelPixels / zoom);
  cy.style().selector('node').style({ 'font-size': fontSize, 'text-max-width': Math.round(140 * fontSize / 11) }).update();
  // What the labels measure on the screen, for the browser test that checks it.
  element.dataset.labelPx = (fontSize * zoom).toFixed(1);
}

const reducedMotion = () => globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

const nodeId = valueId => `v:${valueId}`;

const edgeId = edge => `e:${edge.source}>${edge.target}`;

function elementsOf(graph) {
  const maxScore = Math.max(1e-12, ...graph.nodes.map(n => n.score));
  const maxVotes = Math.max(1, ...graph.edges.map(e => e.votes));
  const known = new Set(graph.nodes.map(n => n.id));
  const nodes = graph.nodes.map(n => ({
    id: nodeId(n.id),
    label: n.title,
    rank: n.rank,
    // Area, not radius, follows the score, so a value twice as strong does not look four times as big.
    size: Math.round(18 + 42 * Math.sqrt(Math.max(0, n.score) / maxScore)),
  }));
  const edges = graph.edges
    .filter(e => known.has(e.source) && known.has(e.target))
    .map(e => ({
      id: edgeId(e),
      source: nodeId(e.source),
      target: nodeId(e.target),
      width: 1 + 7 * e.votes / maxVotes,
      contested: e.contested,
      inRanking: e.inRanking,
    }));
  return { nodes, edges };
}

function layout(cy, added, animate) {
  const options = { name: 'cose', randomize: false, animate, fit: true, padding: 24, nodeDimensionsIncludeLabels: true };
  if (added.length === cy.nodes().length) {
    // The first drawing: start from a circle, so the same graph always comes out the same.
    cy.layout({ name: 'circle', fit: true, padding: 24 }).run();
  }

  cy.layout(options).run();
}

function apply(cy, graph) {
  const { nodes, edges } = elementsOf(graph);
  const wanted = new Set([...nodes.map(n => n.id), ...edges.map(e => e.id)]);
  const added = [];
  cy.batch(() => {
    cy.elements().filter(element => !wanted.has(element.id())).remove();
    for (const data of nodes) {
      const existing = cy.getElementById(data.id);
      if (existing.nonempty()) {
        existing.data(data);
      } else {
        added.push(data.id);
        cy.add({ group: 'nodes', data, position: { x: 0, y: 0 } });
      }
    }

    for (const data of edges) {
      const existing = cy.getElementById(data.id);
      if (existing.nonempty()) {
        existing.data(data);
      } else {
        cy.add({ group: 'edges', data });
      }
    }
  });

  if (added.length > 0) {
    // A new value starts next to a value it is linked to (or in the middle), then the layout settles it.
    const extent = cy.extent();
    added.forEach((id, i) => {
      const node = cy.getElementById(id);
      const anchor = node.neighborhood('node').filter(n => !added.includes(n.id())).first();
      const base = anchor.nonempty() ? anchor.position() : { x: (extent.x1 + extent.x2) / 2, y: (extent.y1 + extent.y2) / 2 };
      // Spread on a golden-angle spiral: no two new values on the same spot, and no randomness.
      const angle = i * 2.399963;
      node.position({ x: base.x + 40 * Math.cos(angle), y: base.y + 40 * Math.sin(angle) });
    });

    layout(cy, added, added.length < cy.nodes().length && !reducedMotion());
  }
}

/**
 * Draws `graph` ({ nodes: [{ id, title, rank, score }], edges: [{ source, target, votes, contested, inRanking }] })
 * into `element`, loading Cytoscape.js from `cytoscapeUrl` the first time. Returns the view: update(graph), destroy().
 */
export async function create(element, cytoscapeUrl, graph) {
  const cytoscape = await loadCytoscape(cytoscapeUrl);
  const cy = cytoscape({
    container: element,
    style,
    minZoom: 0.2,
    maxZoom: 3,
    boxSelectionEnabled: false,
  });
  cy.on('zoom', () => keepLabelsReadable(cy, element));
  apply(cy, graph);
  keepLabelsReadable(cy, element);
  return {
    update: next => {
      apply(cy, next);
      keepLabelsReadable(cy, element);
    },
    destroy: () => cy.destroy(),
  };
}
