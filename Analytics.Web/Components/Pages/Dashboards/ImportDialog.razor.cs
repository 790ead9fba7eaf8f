using Analytics.Data.Dashboards;
using Analytics.Domain;
using Analytics.Domain.Dashboards;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>
/// A dashboard from a file: the file is read, resolved against what the user can read and validated whole by
/// <see cref="DashboardPortability"/>; on success the new dashboard opens, otherwise each problem is listed by widget
/// (<see cref="ImportProblems"/>) and nothing is created.
/// </summary>
public sealed partial class ImportDialog
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required DashboardPortability Portability { get; init; }
    [Inject] public required NavigationManager Nav { get; init; }

    [CascadingParameter] public required IMudDialogInstance MudDialog { get; set; }

    private bool _busy;
    private string? _fileName;
    private IReadOnlyList<ImportProblem> _problems = [];

    private void Cancel() => MudDialog.Cancel();

    private async Task ImportAsync(InputFileChangeEventArgs e)
    {
        _busy = true;
        _problems = [];
        _fileName = e.File.Name;
        PortableDashboard? document = null;
        try
        {
            if (e.File.Size > PortableDashboard.MaxFileBytes)
            {
                _problems = [new ImportProblem("The file", $"It is {e.File.Size:N0} bytes; a dashboard file is at most {PortableDashboard.MaxFileBytes:N0}. Choose the file Export as JSON wrote.")];
                return;
            }
            using var reader = new StreamReader(e.File.OpenReadStream(PortableDashboard.MaxFileBytes), System.Text.Encoding.UTF8);
            document = PortableDashboard.Parse(await reader.ReadToEndAsync());
            var created = await Portability.ImportAsync(await CurrentActor.GetAsync(), document, CancellationToken.None);
            MudDialog.Close(DialogResult.Ok(created.Id));
            Nav.NavigateTo($"/dashboards/{created.Id}");
        }
        catch (ValidationException v)
        {
            _problems = ImportProblems.Describe(document, v.Errors);
        }
        catch (DomainException d)
        {
            _problems = [new ImportProblem("Import", d.Message)];
        }
        finally
        {
            _busy = false;
        }
    }
}
