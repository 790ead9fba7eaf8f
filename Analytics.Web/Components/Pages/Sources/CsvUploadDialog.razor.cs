using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Sources;

/// <summary>Uploads a CSV file to a CSV source; the dialog's result is the number of rows written (null when none were).</summary>
public partial class CsvUploadDialog
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required CsvRowUploader Uploader { get; init; }
    [Inject] public required IOptions<SourceOptions> Options { get; init; }

    [CascadingParameter] public required IMudDialogInstance MudDialog { get; set; }

    [Parameter, EditorRequired] public required SourceView Source { get; set; }

    private bool _busy;
    private string? _result;
    private long? _written;
    private List<string> _errors = [];

    private string Expected
    {
        get
        {
            var dataset = Source.Datasets.FirstOrDefault();
            var time = Source.Settings["timeColumn"]?.GetValue<string>();
            return string.Join(", ", new[] { time }.Concat(dataset?.Dimensions.Select(d => d.Name) ?? []).Concat(dataset?.Measures.Select(m => m.Name) ?? []).Where(n => n is not null));
        }
    }

    private void Close() => MudDialog.Close(DialogResult.Ok(_written));

    private async Task UploadAsync(InputFileChangeEventArgs e)
    {
        _busy = true;
        _result = null;
        _errors = [];
        try
        {
            var max = Options.Value.MaxUploadBytes;
            if (e.File.Size > max)
            {
                _errors = [$"The file is {e.File.Size:N0} bytes; the limit is {max:N0} (Analytics:Sources:MaxUploadBytes)."];
                return;
            }
            var actor = await CurrentActor.GetAsync();
            var target = await Uploader.FindTargetAsync(actor, Source.Id, default);
            using var reader = new StreamReader(e.File.OpenReadStream(max), System.Text.Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            var result = await Uploader.UploadAsync(target, text, default);
            _written = (_written ?? 0) + result.RowsWritten;
            _result = $"{result.RowsWritten:N0} rows written from {e.File.Name}.";
        }
        catch (ValidationException v)
        {
            _errors = v.Errors.SelectMany(kv => kv.Value.Select(m => kv.Key is "body" ? m : $"{kv.Key}: {m}")).ToList();
        }
        catch (DomainException d)
        {
            _errors = [d.Message];
        }
        finally
        {
            _busy = false;
        }
    }
}
