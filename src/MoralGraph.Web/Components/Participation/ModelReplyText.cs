using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace MoralGraph.Web.Components.Participation;

/// <summary>
/// An interviewer model's reply, with the Markdown models habitually write shown as what it means: paragraphs,
/// emphasis, strong emphasis, line breaks, and bullet or numbered lists. Everything else keeps only its text.
/// <para>
/// Safe by construction rather than by sanitizing: Markdig only parses (with HTML turned into literal text), and this
/// component builds elements from the syntax tree itself, each from the short list above, with every piece of text
/// added as encoded content. No HTML string from the model ever reaches the page, so a <c>&lt;script&gt;</c> or an
/// <c>onerror</c> attribute is shown as the characters the model wrote.
/// </para>
/// </summary>
public sealed class ModelReplyText : ComponentBase
{
    // CommonMark with no extensions: tables, raw links and images have no place in an interview bubble.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().Build();

    /// <summary>The reply as the model wrote it (possibly still streaming in).</summary>
    [Parameter] public string Text { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "class", "mg-text mg-markdown");
        foreach (var block in Markdown.Parse(Text, Pipeline))
        {
            AddBlock(builder, block);
        }

        builder.CloseElement();
    }

    // The tree is built in loops, so one sequence number per kind of node: Blazor's diffing only needs them stable.
    private static void AddBlock(RenderTreeBuilder builder, Block block)
    {
        switch (block)
        {
            case ListBlock list:
                builder.OpenElement(10, list.IsOrdered ? "ol" : "ul");
                foreach (var item in list)
                {
                    builder.OpenElement(11, "li");
                    foreach (var child in (ListItemBlock)item)
                    {
                        // A tight list's items are paragraphs in the tree; a <p> in every <li> would space them apart.
                        if (list.IsLoose || child is not ParagraphBlock paragraph)
                        {
                            AddBlock(builder, child);
                        }
                        else
                        {
                            AddInlines(builder, paragraph.Inline);
                        }
                    }

                    builder.CloseElement();
                }

                builder.CloseElement();
                break;
            case ContainerBlock container:
                // Quotes and anything else that holds blocks: its blocks, without the container.
                foreach (var child in container)
                {
                    AddBlock(builder, child);
                }

                break;
            case LeafBlock { Inline: not null } leaf:
                // Paragraphs, and headings shown as the paragraph they would be in a chat.
                builder.OpenElement(12, "p");
                AddInlines(builder, leaf.Inline);
                builder.CloseElement();
                break;
            case LeafBlock leaf when leaf.Lines.Count > 0:
                // Code and (disabled) HTML blocks: their lines as text.
                builder.OpenElement(13, "p");
                builder.AddContent(14, leaf.Lines.ToString());
                builder.CloseElement();
                break;
        }
    }

    private static void AddInlines(RenderTreeBuilder builder, ContainerInline? inlines)
    {
        for (var inline = inlines?.FirstChild; inline is not null; inline = inline.NextSibling)
        {
            switch (inline)
            {
                case EmphasisInline emphasis when emphasis.DelimiterChar is '*' or '_':
                    builder.OpenElement(20, emphasis.DelimiterCount >= 2 ? "strong" : "em");
                    AddInlines(builder, emphasis);
                    builder.CloseElement();
                    break;
                case ContainerInline container:
                    // Links and any other wrapper: the words, without what they wrap them in.
                    AddInlines(builder, container);
                    break;
                case LiteralInline literal:
                    builder.AddContent(21, literal.Content.ToString());
                    break;
                case LineBreakInline:
                    builder.OpenElement(22, "br");
                    builder.CloseElement();
                    break;
                case CodeInline code:
                    builder.AddContent(23, code.Content);
                    break;
                case HtmlInline html:
                    builder.AddContent(24, html.Tag);
                    break;
                case HtmlEntityInline entity:
                    builder.AddContent(25, entity.Transcoded.ToString());
                    break;
                case AutolinkInline link:
                    builder.AddContent(26, link.Url);
                    break;
            }
        }
    }
}
