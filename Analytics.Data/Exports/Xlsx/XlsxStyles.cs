using Analytics.Domain.Exports;
using Analytics.Domain.Metrics;
using Analytics.Domain.Query;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Analytics.Data.Exports.Xlsx;

/// <summary>The workbook's cell styles (indexes into <c>cellXfs</c>) and how a column picks one.</summary>
internal static class XlsxStyles
{
    public const uint Text = 0;
    public const uint Header = 1;
    public const uint Integer = 2;
    public const uint Number = 3;
    public const uint Currency = 4;
    public const uint Percent = 5;
    public const uint Ratio = 6;
    public const uint Date = 7;
    public const uint DateTime = 8;
    public const uint Title = 9;
    public const uint Label = 10;
    public const uint Wrap = 11;

    public const uint DateFormatId = 164;
    public const uint DateTimeFormatId = 165;
    private const uint FirstCustomFormatId = 166;

    public static uint For(QueryColumn column, string? granularity) => column.Type switch
    {
        "time" => granularity == "hour" ? DateTime : Date,
        "number" => (column.Format ?? "number") switch
        {
            "integer" => Integer,
            "currency" => Currency,
            "percent" => Percent,
            "ratio" => Ratio,
            _ => Number,
        },
        _ => Text,
    };

    /// <summary>Excel's built-in number formats by code: a metric format whose code is one of them uses it.</summary>
    private static readonly Dictionary<string, uint> BuiltIn = new(StringComparer.Ordinal) { ["0.00"] = 2, ["#,##0"] = 3, ["#,##0.00"] = 4, ["0.00%"] = 10 };

    /// <param name="currency">The document's currency code: number format codes come from <see cref="MetricFormat.SpreadsheetFormat"/>.</param>
    public static Stylesheet Stylesheet(string currency)
    {
        var custom = new List<NumberingFormat>();
        uint NumberFormat(string metricFormat)
        {
            var code = MetricFormat.SpreadsheetFormat(metricFormat, currency);
            if (BuiltIn.TryGetValue(code, out var id)) return id;
            var existing = custom.FirstOrDefault(n => n.FormatCode!.Value == code);
            if (existing is not null) return existing.NumberFormatId!.Value;
            custom.Add(new NumberingFormat { NumberFormatId = FirstCustomFormatId + (uint)custom.Count, FormatCode = code });
            return FirstCustomFormatId + (uint)custom.Count - 1;
        }
        var integer = NumberFormat("integer");
        var number = NumberFormat("number");
        var money = NumberFormat("currency");
        var percent = NumberFormat("percent");
        var ratio = NumberFormat("ratio");
        custom.Add(new NumberingFormat { NumberFormatId = DateFormatId, FormatCode = "yyyy-mm-dd" });
        custom.Add(new NumberingFormat { NumberFormatId = DateTimeFormatId, FormatCode = "yyyy-mm-dd hh:mm" });
        return new Stylesheet(
            new NumberingFormats(custom) { Count = (uint)custom.Count },
            new Fonts(
                new Font(new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
                new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
                new Font(new Bold(), new FontSize { Val = 14 }, new FontName { Val = "Calibri" }))
            { Count = 3 },
            new Fills(
                new Fill(new PatternFill { PatternType = PatternValues.None }),
                new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
                new Fill(new PatternFill(new ForegroundColor { Rgb = "FFE5E7EB" }, new BackgroundColor { Indexed = 64 }) { PatternType = PatternValues.Solid }))
            { Count = 3 },
            new Borders(
                new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder()),
                new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(new Color { Rgb = "FF9CA3AF" }) { Style = BorderStyleValues.Thin }, new DiagonalBorder()))
            { Count = 2 },
            new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
            new CellFormats(
                Format(0),                                                   // Text
                new CellFormat { NumberFormatId = 0, FontId = 1, FillId = 2, BorderId = 1, ApplyFont = true, ApplyFill = true, ApplyBorder = true }, // Header
                Format(integer),                                             // Integer
                Format(number),                                              // Number
                Format(money),                                               // Currency
                Format(percent),                                             // Percent
                Format(ratio),                                               // Ratio
                Format(DateFormatId),                                        // Date
                Format(DateTimeFormatId),                                    // DateTime
                new CellFormat { NumberFormatId = 0, FontId = 2, ApplyFont = true },   // Title
                new CellFormat { NumberFormatId = 0, FontId = 1, ApplyFont = true },   // Label
                new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top }) { NumberFormatId = 0, ApplyAlignment = true }) // Wrap
            { Count = 12 },
            new CellStyles(new CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }) { Count = 1 });
    }

    private static CellFormat Format(uint numberFormat) =>
        new() { NumberFormatId = numberFormat, FontId = 0, FillId = 0, BorderId = 0, ApplyNumberFormat = numberFormat != 0 };

    /// <summary>Column widths (in characters) from the header and the first rows as they will read.</summary>
    public static double[] Widths(IReadOnlyList<QueryColumn> columns, IReadOnlyList<object?[]> sample, ExportFormatter formatter, string? granularity)
    {
        var widths = new double[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            var longest = ChartData.Label(columns[i]).Length + 3; // room for the filter button
            if (columns[i].Type == "time") longest = Math.Max(longest, granularity == "hour" ? 16 : 10);
            foreach (var row in sample)
            {
                if (i >= row.Length || row[i] is null) continue;
                var text = row[i] is DateTime or DateTimeOffset ? "" : formatter.Format(row[i], columns[i], granularity);
                longest = Math.Max(longest, text.Length);
            }
            widths[i] = Math.Round(Math.Clamp(longest * 1.1 + 2, 8, 60), 1);
        }
        return widths;
    }
}
