using PdfSharp.Drawing;

namespace Analytics.Data.Exports.Pdf;

/// <summary>Fonts, colours and sizes of the PDF, in one place (points; 72 per inch).</summary>
public sealed class PdfTheme
{
    public XFont Title { get; } = new(DejaVuFontResolver.Family, 18, XFontStyleEx.Bold);
    public XFont Subtitle { get; } = new(DejaVuFontResolver.Family, 9.5);
    public XFont WidgetTitle { get; } = new(DejaVuFontResolver.Family, 9, XFontStyleEx.Bold);
    public XFont Body { get; } = new(DejaVuFontResolver.Family, 8.5);
    public XFont BodyBold { get; } = new(DejaVuFontResolver.Family, 8.5, XFontStyleEx.Bold);
    public XFont Small { get; } = new(DejaVuFontResolver.Family, 6.5);
    public XFont SmallBold { get; } = new(DejaVuFontResolver.Family, 6.5, XFontStyleEx.Bold);
    public XFont Table { get; } = new(DejaVuFontResolver.Family, 7);
    public XFont TableHeader { get; } = new(DejaVuFontResolver.Family, 7, XFontStyleEx.Bold);
    public XFont KpiValue { get; } = new(DejaVuFontResolver.Family, 20, XFontStyleEx.Bold);
    public XFont Heading1 { get; } = new(DejaVuFontResolver.Family, 12, XFontStyleEx.Bold);
    public XFont Heading2 { get; } = new(DejaVuFontResolver.Family, 10, XFontStyleEx.Bold);

    public XColor Ink { get; } = XColor.FromArgb(0x1F, 0x29, 0x37);
    public XColor Muted { get; } = XColor.FromArgb(0x6B, 0x72, 0x80);
    public XColor Rule { get; } = XColor.FromArgb(0xE5, 0xE7, 0xEB);
    public XColor Grid { get; } = XColor.FromArgb(0xEE, 0xF0, 0xF3);
    public XColor Panel { get; } = XColor.FromArgb(0xF8, 0xFA, 0xFC);
    public XColor Accent { get; } = XColor.FromArgb(0x25, 0x63, 0xEB);
    public XColor Good { get; } = XColor.FromArgb(0x15, 0x80, 0x3D);
    public XColor Bad { get; } = XColor.FromArgb(0xB9, 0x1C, 0x1C);

    public XBrush InkBrush => new XSolidBrush(Ink);
    public XBrush MutedBrush => new XSolidBrush(Muted);

    /// <summary>Series colours (colour-blind friendly order, after Tableau 10).</summary>
    public static readonly XColor[] Palette =
    [
        XColor.FromArgb(0x4E, 0x79, 0xA7), XColor.FromArgb(0xF2, 0x8E, 0x2B), XColor.FromArgb(0x59, 0xA1, 0x4F),
        XColor.FromArgb(0xE1, 0x57, 0x59), XColor.FromArgb(0x76, 0xB7, 0xB2), XColor.FromArgb(0xED, 0xC9, 0x48),
        XColor.FromArgb(0xB0, 0x7A, 0xA1), XColor.FromArgb(0xFF, 0x9D, 0xA7), XColor.FromArgb(0x9C, 0x75, 0x5F),
        XColor.FromArgb(0xBA, 0xB0, 0xAC),
    ];

    public static XColor SeriesColor(int index) => Palette[index % Palette.Length];

    public const double Margin = 36;
    public const double Gutter = 8;
    public const double WidgetPadding = 8;
    public const double WidgetTitleHeight = 16;
    public const double FooterHeight = 18;
}
