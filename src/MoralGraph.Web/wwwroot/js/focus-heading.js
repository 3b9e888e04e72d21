// Moves the focus to the page's heading after a navigation inside the app (Components/Layout/FocusOnInAppNavigation.razor),
// so a screen reader announces the new page. Never on a full page load: there the browser already starts at the top,
// and focusing later, once the circuit connects, would pull the focus from wherever the participant had moved it.
export function focusHeading(selector) {
  const heading = document.querySelector(selector);
  if (heading) {
    if (!heading.hasAttribute('tabindex')) {
      heading.setAttribute('tabindex', '-1');
    }
    heading.focus({ preventScroll: false });
  }
}
