using System.Globalization;
using Analytics.Domain.Exports;
using Analytics.Domain.Query;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Analytics.Data.Exports.Xlsx;

/// <summary>
/// Writes one worksheet row by row through <see cref="OpenXmlWriter"/>: frozen header, column widths, typed cells
/// (numbers, dates as serial numbers with a date format, text as inline strings), an auto-filter over the rows written.
/// </summary>
internal sealed class SheetWriter : IDisposable
{
    private static readonly Cell CellElement = new();
    private static readonly CellValue ValueElement = new();
    private static readonly Row RowElement = new();
    private static readonly InlineString InlineElement = new();

    private readonly XlsxPart _part;
    private readonly OpenXmlWriter _writer;
    private readonly IReadOnlyList<QueryColumn> _columns;
    private readonly ExportFormatter _formatter;
    private readonly string[] _letters;
    private readonly uint[] _styles;
    private readonly List<OpenXmlAttribute> _attributes = new(3);
    private static readonly Text TextElement = new();
    private const string XmlNamespace = "http://www.w3.org/XML/1998/namespace";
    /// <summary>Per column, the attributes of a number cell and of a text cell without a reference (see <see cref="Row"/>).</summary>
    private readonly OpenXmlAttribute[][] _numberAttributes;
    private readonly OpenXmlAttribute[] _textAttributes = [new("s", "", XlsxStyles.Text.ToString(CultureInfo.InvariantCulture)), new("t", "", "inlineStr")];
    private readonly OpenXmlAttribute[][] _dateAttributes;

    private readonly SharedStrings? _strings;
    private readonly OpenXmlAttribute[] _sharedAttributes = [new("t", "", "s")];

    public SheetWriter(XlsxPart part, IReadOnlyList<QueryColumn> columns, ExportFormatter formatter, string? granularity, SharedStrings? strings = null)
    {
        _strings = strings;
        _part = part;
        _writer = part.Writer;
        _columns = columns;
        _formatter = formatter;
        _letters = Enumerable.Range(0, columns.Count).Select(Column).ToArray();
        _styles = columns.Select(c => XlsxStyles.For(c, granularity)).ToArray();
        _numberAttributes = _styles.Select(st => new[] { new OpenXmlAttribute("s", "", st.ToString(CultureInfo.InvariantCulture)) }).ToArray();
        _dateAttributes = [[new OpenXmlAttribute("s", "", XlsxStyles.Date.ToString(CultureInfo.InvariantCulture))], [new OpenXmlAttribute("s", "", XlsxStyles.DateTime.ToString(CultureInfo.InvariantCulture))]];
    }

    /// <summary>Data rows written so far (the header not counted).</summary>
    public long Rows { get; private set; }

    public void Begin(double[] widths)
    {
        _writer.WriteStartElement(new Worksheet());
        _writer.WriteElement(new SheetViews(new SheetView(
            new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen },
            new Selection { Pane = PaneValues.BottomLeft, ActiveCell = "A2", SequenceOfReferences = new ListValue<StringValue> { InnerText = "A2" } })
        { WorkbookViewId = 0U }));
        if (widths.Length > 0)
        {
            _writer.WriteElement(new Columns(widths.Select((w, i) => new Column { Min = (uint)(i + 1), Max = (uint)(i + 1), Width = w, CustomWidth = true })));
        }
        _writer.WriteStartElement(new SheetData());
        _writer.WriteStartElement(RowElement, [new OpenXmlAttribute("r", "", "1")]);
        for (var i = 0; i < _columns.Count; i++) TextCell(_writer, _letters[i] + "1", ChartData.Label(_columns[i]), XlsxStyles.Header);
        _writer.WriteEndElement();
    }

    /// <summary>
    /// One data row. Cells carry no reference (<c>r</c> is optional; a reader places them one after another), which keeps
    /// the sheet a quarter smaller and spares a string per cell; only a cell after an empty one names its place.
    /// </summary>
    public void Row(object?[] values)
    {
        var number = (Rows + 2).ToString(CultureInfo.InvariantCulture);
        _attributes.Clear();
        _attributes.Add(new OpenXmlAttribute("r", "", number));
        _writer.WriteStartElement(RowElement, _attributes);
        var gap = false;
        for (var i = 0; i < _columns.Count && i < values.Length; i++)
        {
            var reference = gap ? _letters[i] + number : null;
            switch (values[i])
            {
                case null:
                    gap = true;
                    continue;
                case string s:
                    WriteText(reference, s);
                    break;
                case DateTime t:
                    WriteDate(reference, t.Kind == DateTimeKind.Unspecified ? t : TimeZoneInfo.ConvertTime(t, _formatter.Zone), i);
                    break;
                case DateTimeOffset t:
                    WriteDate(reference, TimeZoneInfo.ConvertTime(t, _formatter.Zone).DateTime, i);
                    break;
                case bool b:
                    WriteText(reference, b ? "true" : "false");
                    break;
                default:
                    if (ExportFormatter.ToDouble(values[i]) is { } d && double.IsFinite(d)) WriteNumber(reference, d, _numberAttributes[i]);
                    else WriteText(reference, Convert.ToString(values[i], CultureInfo.InvariantCulture) ?? "");
                    break;
            }
            gap = false;
        }
        _writer.WriteEndElement();
        Rows++;
    }

    private IEnumerable<OpenXmlAttribute> With(string? reference, OpenXmlAttribute[] attributes)
    {
        if (reference is null) return attributes;
        return [new OpenXmlAttribute("r", "", reference), .. attributes];
    }

    private void WriteNumber(string? reference, double value, OpenXmlAttribute[] attributes)
    {
        _writer.WriteStartElement(CellElement, With(reference, attributes));
        _writer.WriteStartElement(ValueElement);
        _writer.WriteString(value.ToString(CultureInfo.InvariantCulture));
        _writer.WriteEndElement();
        _writer.WriteEndElement();
    }

    private void WriteText(string? reference, string text)
    {
        var clean = Clean(text);
        if (_strings is not null && _strings.TryGet(clean, out var index))
        {
            _writer.WriteStartElement(CellElement, With(reference, _sharedAttributes));
            _writer.WriteStartElement(ValueElement);
            _writer.WriteString(index.ToString(CultureInfo.InvariantCulture));
            _writer.WriteEndElement();
            _writer.WriteEndElement();
            return;
        }
        _writer.WriteStartElement(CellElement, With(reference, _textAttributes));
        _writer.WriteStartElement(InlineElement);
        if (clean.Length > 0 && (char.IsWhiteSpace(clean[0]) || char.IsWhiteSpace(clean[^1])))
            _writer.WriteStartElement(TextElement, [new OpenXmlAttribute("xml", "space", XmlNamespace, "preserve")]);
        else
            _writer.WriteStartElement(TextElement);
        _writer.WriteString(clean);
        _writer.WriteEndElement();
        _writer.WriteEndElement();
        _writer.WriteEndElement();
    }

    private void WriteDate(string? reference, DateTime local, int column)
    {
        var withTime = _styles[column] == XlsxStyles.DateTime || local.TimeOfDay != TimeSpan.Zero;
        WriteNumber(reference, local.ToOADate(), _dateAttributes[withTime ? 1 : 0]);
    }

    public void End()
    {
        _writer.WriteEndElement(); // sheetData
        if (_columns.Count > 0) _writer.WriteElement(new AutoFilter { Reference = $"A1:{_letters[^1]}{Rows + 1}" });
        _writer.WriteEndElement(); // worksheet
    }

    public void Dispose() => _part.Dispose();

    public static void NumberCell(OpenXmlWriter writer, string reference, double value, uint style)
    {
        writer.WriteStartElement(CellElement, [new OpenXmlAttribute("r", "", reference), new OpenXmlAttribute("s", "", style.ToString(CultureInfo.InvariantCulture))]);
        writer.WriteStartElement(ValueElement);
        writer.WriteString(value.ToString(CultureInfo.InvariantCulture));
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    public static void TextCell(OpenXmlWriter writer, string reference, string text, uint style)
    {
        writer.WriteStartElement(CellElement, [new OpenXmlAttribute("r", "", reference), new OpenXmlAttribute("s", "", style.ToString(CultureInfo.InvariantCulture)), new OpenXmlAttribute("t", "", "inlineStr")]);
        writer.WriteStartElement(InlineElement);
        var clean = Clean(text);
        writer.WriteElement(clean.Length > 0 && (char.IsWhiteSpace(clean[0]) || char.IsWhiteSpace(clean[^1]))
            ? new Text(clean) { Space = SpaceProcessingModeValues.Preserve }
            : new Text(clean));
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    /// <summary>Text XML can hold, within Excel's 32,767 characters per cell.</summary>
    private static string Clean(string text)
    {
        if (text.Length > 32_767) text = text[..32_767];
        foreach (var ch in text)
        {
            if (ch < 0x20 && ch is not ('\t' or '\n' or '\r') || ch is '\uFFFE' or '\uFFFF')
                return new string(text.Where(c => !(c < 0x20 && c is not ('\t' or '\n' or '\r') || c is '\uFFFE' or '\uFFFF')).ToArray());
        }
        return text;
    }

    /// <summary>A column's letters: 0 → A, 25 → Z, 26 → AA.</summary>
    public static string Column(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26) name = (char)('A' + (n - 1) % 26) + name;
        return name;
    }
}
