using Analytics.Data.Exports.Csv;
using Analytics.Data.Exports.Delivery;
using Analytics.Data.Exports.Pdf;
using Analytics.Data.Exports.Xlsx;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Data.Exports;

internal static class ExportsRegistration
{
    /// <summary>Exports: the writers of each format (PDF, XLSX, CSV), the export service and its history, and delivery by e-mail.</summary>
    public static IServiceCollection AddExports(this IServiceCollection services)
    {
        services.AddSingleton<ExportRecorder>();
        services.AddSingleton<ExportHistoryService>();
        services.AddSettings<ExportOptions>(ExportOptions.Section)
            .Validate(o => File.Exists(Path.Combine(o.FontDirectory, "DejaVuSans.ttf")),
                "Analytics:Exports:FontDirectory holds no DejaVuSans.ttf: PDF export needs DejaVu Sans (Debian's fonts-dejavu-core, /usr/share/fonts/truetype/dejavu).");
        services.AddSingleton<PdfExporter>();
        services.AddSingleton<XlsxExporter>(_ => new XlsxExporter());
        services.AddSingleton<CsvExporter>();
        services.AddSingleton<IExportWriter, PdfExportWriter>();
        services.AddSingleton<IExportWriter, XlsxExportWriter>();
        services.AddSingleton<IExportWriter, CsvExportWriter>();
        services.AddSingleton<ExportService>();
        services.AddSettings<SmtpOptions>(SmtpOptions.Section)
            .Validate(o => MimeKit.MailboxAddress.TryParse(o.From, out var from) && from.Address.Contains('@'),
                "Analytics:Smtp:From must be an e-mail address, e.g. \"Analytics <reports@example.com>\".");
        services.AddSingleton<ExportMailer>();
        services.AddSingleton<ExportDelivery>();
        return services;
    }
}
