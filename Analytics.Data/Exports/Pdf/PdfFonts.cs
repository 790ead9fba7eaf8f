using PdfSharp.Fonts;

namespace Analytics.Data.Exports.Pdf;

/// <summary>
/// PDFsharp's process-wide set-up: its licence (6.5.0 is AGPL-3.0, as this project is) and a font resolver, which
/// Linux needs because PDFsharp finds no system fonts there. Both are static settings of the library that can be set
/// only once, before the first document, so this is the one place that sets them.
/// </summary>
public static class PdfSharpRuntime
{
    private static readonly Lock Gate = new();
    private static string? _fontDirectory;

    /// <summary>Sets the DejaVu Sans resolver once; throws naming the folder and the setting when the fonts are missing.</summary>
    public static void Initialize(string fontDirectory)
    {
        lock (Gate)
        {
            if (_fontDirectory is not null) return;
            var resolver = DejaVuFontResolver.Load(fontDirectory);
            GlobalFontSettings.FontResolver = resolver;
            _fontDirectory = fontDirectory;
        }
    }
}

/// <summary>Resolves every family to DejaVu Sans (regular, bold, oblique, bold oblique) read from one folder.</summary>
public sealed class DejaVuFontResolver : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private static readonly string[] Faces = ["DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique"];
    private readonly Dictionary<string, byte[]> _fonts;

    private DejaVuFontResolver(Dictionary<string, byte[]> fonts) => _fonts = fonts;

    public static DejaVuFontResolver Load(string directory)
    {
        var regular = Path.Combine(directory, "DejaVuSans.ttf");
        if (!File.Exists(regular))
        {
            throw new InvalidOperationException(
                $"PDF export needs the DejaVu Sans font, but {regular} does not exist. Install Debian's fonts-dejavu-core " +
                "(apt-get install fonts-dejavu-core) or point Analytics:Exports:FontDirectory at a folder holding DejaVuSans.ttf and DejaVuSans-Bold.ttf.");
        }
        var fonts = new Dictionary<string, byte[]>();
        var fallback = File.ReadAllBytes(regular);
        foreach (var face in Faces)
        {
            var path = Path.Combine(directory, face + ".ttf");
            fonts[face] = File.Exists(path) ? File.ReadAllBytes(path) : fallback;
        }
        return new DejaVuFontResolver(fonts);
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
        new((bold, italic) switch
        {
            (true, true) => "DejaVuSans-BoldOblique",
            (true, false) => "DejaVuSans-Bold",
            (false, true) => "DejaVuSans-Oblique",
            _ => "DejaVuSans",
        });

    public byte[]? GetFont(string faceName) => _fonts.TryGetValue(faceName, out var bytes) ? bytes : _fonts["DejaVuSans"];
}
