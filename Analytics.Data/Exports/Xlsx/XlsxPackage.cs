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

    /// <summary>Writes the workbook-level bookkeeping once every sheet is written: content types and relationships.</summary>
    public void Finish()
    {
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
