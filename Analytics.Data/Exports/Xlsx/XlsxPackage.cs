using System.IO.Compression;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;

namespace Analytics.Data.Exports.Xlsx;

/// <summary>
/// The .xlsx zip, written forward only. The Open XML SDK's package (System.IO.Packaging) needs read access, which puts
/// the zip in update mode and buffers every part in memory until the end — a million-row sheet would sit there whole.
/// So the parts go straight into a <see cref="ZipArchive"/> in create mode, each written by an <see cref="OpenXmlWriter"/>,
/// and the package's own bookkeeping (content types, relationships) is written here.
/// </summary>
internal sealed class XlsxPackage(Stream output) : IDisposable
{
    private const string MainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string RelNs = "http://schemas.openxmlformats.org/package/2006/relationships";
    private const string DocRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private readonly ZipArchive _zip = new(output, ZipArchiveMode.Create, leaveOpen: true);
    private readonly List<string> _worksheets = [];

    /// <summary>Repeated short texts (dimension values) written once, in a bounded table.</summary>
    public SharedStrings Strings { get; } = new();

    /// <summary>A new worksheet part; returns its relationship id (for the workbook's sheet list) and its writer.</summary>
    public (string RelationshipId, XlsxPart Part) AddWorksheet()
    {
        _worksheets.Add($"worksheets/sheet{_worksheets.Count + 1}.xml");
        return ($"rId{_worksheets.Count}", Open("xl/" + _worksheets[^1]));
    }

    public XlsxPart Open(string path)
    {
        var stream = _zip.CreateEntry(path, CompressionLevel.Fastest).Open();
        return new XlsxPart(OpenXmlWriter.Create(stream, new UTF8Encoding(false)), stream);
    }

    public string StylesRelationshipId => $"rId{_worksheets.Count + 1}";
    private string StringsRelationshipId => $"rId{_worksheets.Count + 2}";

    /// <summary>Writes the workbook-level bookkeeping once every sheet is written: content types and relationships.</summary>
    public void Finish()
    {
        using (var part = Open("xl/sharedStrings.xml")) Strings.Write(part.Writer);
        Xml("_rels/.rels", w =>
        {
            w.WriteStartElement("Relationships", RelNs);
            Relationship(w, "rId1", DocRel + "/officeDocument", "xl/workbook.xml");
            w.WriteEndElement();
        });
        Xml("xl/_rels/workbook.xml.rels", w =>
        {
            w.WriteStartElement("Relationships", RelNs);
            for (var i = 0; i < _worksheets.Count; i++) Relationship(w, $"rId{i + 1}", DocRel + "/worksheet", _worksheets[i]);
            Relationship(w, StylesRelationshipId, DocRel + "/styles", "styles.xml");
            Relationship(w, StringsRelationshipId, DocRel + "/sharedStrings", "sharedStrings.xml");
            w.WriteEndElement();
        });
        Xml("[Content_Types].xml", w =>
        {
            const string ns = "http://schemas.openxmlformats.org/package/2006/content-types";
            w.WriteStartElement("Types", ns);
            Default(w, ns, "rels", "application/vnd.openxmlformats-package.relationships+xml");
            Default(w, ns, "xml", "application/xml");
            Override(w, ns, "/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml");
            Override(w, ns, "/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml");
            Override(w, ns, "/xl/sharedStrings.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml");
            foreach (var sheet in _worksheets) Override(w, ns, "/xl/" + sheet, "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml");
            w.WriteEndElement();
        });
    }

    private void Xml(string path, Action<XmlWriter> write)
    {
        using var stream = _zip.CreateEntry(path, CompressionLevel.Fastest).Open();
        using var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) });
        writer.WriteStartDocument(true);
        write(writer);
        writer.WriteEndDocument();
    }

    private static void Relationship(XmlWriter w, string id, string type, string target)
    {
        w.WriteStartElement("Relationship", RelNs);
        w.WriteAttributeString("Id", id);
        w.WriteAttributeString("Type", type);
        w.WriteAttributeString("Target", target);
        w.WriteEndElement();
    }

    private static void Default(XmlWriter w, string ns, string extension, string contentType)
    {
        w.WriteStartElement("Default", ns);
        w.WriteAttributeString("Extension", extension);
        w.WriteAttributeString("ContentType", contentType);
        w.WriteEndElement();
    }

    private static void Override(XmlWriter w, string ns, string part, string contentType)
    {
        w.WriteStartElement("Override", ns);
        w.WriteAttributeString("PartName", part);
        w.WriteAttributeString("ContentType", contentType);
        w.WriteEndElement();
    }

    public void Dispose() => _zip.Dispose();

    internal const string SpreadsheetNamespace = MainNs;
}

/// <summary>One part being written: its <see cref="OpenXmlWriter"/> and the zip entry under it, closed together.</summary>
internal sealed class XlsxPart(OpenXmlWriter writer, Stream stream) : IDisposable
{
    public OpenXmlWriter Writer { get; } = writer;

    public void Dispose()
    {
        Writer.Close();
        stream.Dispose();
    }
}

/// <summary>
/// The shared string table, bounded: texts up to 256 characters are numbered as they first appear until 100,000 distinct
/// ones (or 8M characters) are held; later new texts are written inline. Dimension values repeat on every row, so a
/// cell becomes <c>&lt;c t="s"&gt;&lt;v&gt;12&lt;/v&gt;&lt;/c&gt;</c> while memory stays capped.
/// </summary>
internal sealed class SharedStrings
{
    private const int MaxEntries = 100_000;
    private const long MaxChars = 8_000_000;
    private const int MaxLength = 256;
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _values = [];
    private long _chars;
    private long _uses;

    public bool TryGet(string text, out int index)
    {
        if (_index.TryGetValue(text, out index))
        {
            _uses++;
            return true;
        }
        if (text.Length > MaxLength || _values.Count >= MaxEntries || _chars + text.Length > MaxChars) return false;
        index = _values.Count;
        _index[text] = index;
        _values.Add(text);
        _chars += text.Length;
        _uses++;
        return true;
    }

    public void Write(OpenXmlWriter writer)
    {
        writer.WriteStartElement(new DocumentFormat.OpenXml.Spreadsheet.SharedStringTable(),
        [
            new OpenXmlAttribute("count", "", _uses.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new OpenXmlAttribute("uniqueCount", "", _values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]);
        var item = new DocumentFormat.OpenXml.Spreadsheet.SharedStringItem();
        var text = new DocumentFormat.OpenXml.Spreadsheet.Text();
        foreach (var value in _values)
        {
            writer.WriteStartElement(item);
            if (value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])))
                writer.WriteStartElement(text, [new OpenXmlAttribute("xml", "space", "http://www.w3.org/XML/1998/namespace", "preserve")]);
            else
                writer.WriteStartElement(text);
            writer.WriteString(value);
            writer.WriteEndElement();
            writer.WriteEndElement();
        }
        writer.WriteEndElement();
    }
}
