using System.Text;
using Analytics.Domain.Exports;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using PdfSharp.Drawing;

namespace Analytics.Data.Exports.Pdf.Widgets;

/// <summary>
/// A text widget's markdown as wrapped text: headings, paragraphs, bullet and numbered lists, quotes and code blocks.
/// It draws the lines that fit and returns the next line, so long notes run on to further pages.
/// </summary>
public sealed class TextRenderer : IPdfWidgetRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().Build();

    public string Kind => ExportWidgetKinds.Text;

    public bool Splits => true;

    /// <param name="GapBefore">Space above the line (first line of a block).</param>
    private sealed record Line(string Text, XFont Font, XColor Color, double Indent, double GapBefore)
    {
        public double Height => Font.Size * 1.35 + GapBefore;
    }

    public double FlowHeight(PdfWidgetContext context, ExportWidget widget, double width, int start = 0) =>
        Math.Max(20, Layout(context, widget.Markdown ?? "", width).Skip(start).Sum(l => l.Height) + 4);

    public int? Draw(PdfWidgetContext c, ExportWidget widget, XRect body, int start)
    {
        var lines = Layout(c, widget.Markdown ?? "", body.Width);
        var y = body.Y;
        var i = start;
        while (i < lines.Count && (i == start || y + lines[i].Height <= body.Bottom))
        {
            var line = lines[i];
            y += i == start ? 0 : line.GapBefore;
            PdfDraw.Text(c.Graphics, line.Text, line.Font, line.Color, new XRect(body.X + line.Indent, y, body.Width - line.Indent, line.Font.Size * 1.35), XStringFormats.TopLeft);
            y += line.Font.Size * 1.35;
            i++;
        }
        return i < lines.Count ? i : null;
    }

    private static List<Line> Layout(PdfWidgetContext c, string markdown, double width)
    {
        var lines = new List<Line>();
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var block in document) AddBlock(c, block, width, 0, lines, null);
        return lines;
    }

    private static void AddBlock(PdfWidgetContext c, Block block, double width, double indent, List<Line> lines, string? bullet)
    {
        var t = c.Theme;
        switch (block)
        {
            case HeadingBlock heading:
                AddText(c, InlineText(heading.Inline), heading.Level <= 1 ? t.Heading1 : heading.Level == 2 ? t.Heading2 : t.BodyBold, t.Ink, width, indent, lines.Count == 0 ? 0 : 6, lines, null);
                break;
            case ParagraphBlock paragraph:
                AddText(c, InlineText(paragraph.Inline), t.Body, t.Ink, width, indent, lines.Count == 0 || bullet is not null ? 0 : 4, lines, bullet);
                break;
            case ListBlock list:
                var number = int.TryParse(list.OrderedStart, out var first) ? first : 1;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    var marker = list.IsOrdered ? $"{number++}." : "•";
                    var firstChild = true;
                    foreach (var child in item)
                    {
                        AddBlock(c, child, width, indent + 12, lines, firstChild ? marker : null);
                        firstChild = false;
                    }
                }
                break;
            case QuoteBlock quote:
                foreach (var child in quote) AddBlock(c, child, width, indent + 10, lines, null);
                break;
            case FencedCodeBlock or CodeBlock:
                var code = ((LeafBlock)block).Lines.ToString();
                AddText(c, code, t.Table, t.Muted, width, indent + 6, 4, lines, null);
                break;
            case ThematicBreakBlock:
                lines.Add(new Line("", t.Small, t.Muted, indent, 4));
                break;
            case ContainerBlock container:
                foreach (var child in container) AddBlock(c, child, width, indent, lines, null);
                break;
            case LeafBlock leaf when leaf.Inline is not null:
                AddText(c, InlineText(leaf.Inline), t.Body, t.Ink, width, indent, 4, lines, null);
                break;
        }
    }

    private static void AddText(PdfWidgetContext c, string text, XFont font, XColor color, double width, double indent, double gap, List<Line> lines, string? bullet)
    {
        var wrapped = PdfDraw.Wrap(c.Graphics, text, font, Math.Max(20, width - indent));
        for (var i = 0; i < wrapped.Count; i++)
        {
            if (i == 0 && bullet is not null)
            {
                lines.Add(new Line(bullet, font, color, indent - 10, gap));
                // The bullet and the first line share a row: the text line follows with no height of its own above.
                lines[^1] = lines[^1] with { Text = bullet + " " + wrapped[0], Indent = indent - 10 };
                continue;
            }
            lines.Add(new Line(wrapped[i], font, color, indent, i == 0 ? gap : 0));
        }
    }

    private static string InlineText(ContainerInline? inline)
    {
        if (inline is null) return "";
        var text = new StringBuilder();
        void Walk(Inline node)
        {
            switch (node)
            {
                case LiteralInline literal: text.Append(literal.Content.ToString()); break;
                case CodeInline code: text.Append(code.Content); break;
                case LineBreakInline: text.Append(node is LineBreakInline { IsHard: true } ? '\n' : ' '); break;
                case HtmlEntityInline entity: text.Append(entity.Transcoded.ToString()); break;
                case ContainerInline container:
                    foreach (var child in container) Walk(child);
                    break;
            }
        }
        Walk(inline);
        return text.ToString();
    }
}
