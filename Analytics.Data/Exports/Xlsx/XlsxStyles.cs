using Analytics.Domain.Exports;
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

    public const uint CurrencyFormatId = 164;
    public const uint DateFormatId = 165;
    public const uint DateTimeFormatId = 166;

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

    public static Stylesheet Stylesheet(string currencySymbol)
    {
        var symbol = "\"" + currencySymbol.Replace("\"", "") + "\"";
        return new Stylesheet(
            new NumberingFormats(
                new NumberingFormat { NumberFormatId = CurrencyFormatId, FormatCode = $"{symbol}#,##0.00;-{symbol}#,##0.00" },
                new NumberingFormat { NumberFormatId = DateFormatId, FormatCode = "yyyy-mm-dd" },
                new NumberingFormat { NumberFormatId = DateTimeFormatId, FormatCode = "yyyy-mm-dd hh:mm" })
            { Count = 3 },
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
                Format(3),                                                   // Integer  #,##0
                Format(4),                                                   // Number   #,##0.00
                Format(CurrencyFormatId),                                    // Currency
                Format(10),                                                  // Percent  0.00%
                Format(2),                                                   // Ratio    0.00
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
