using Analytics.Data.Dashboards;
using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Web.Auth;
using Analytics.Web.Components.Dashboards;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>
/// A new dashboard from a template: the template, its name and the instances it is for; the dashboard opens once made.
/// What the service refuses shows under the field it names, the rest above the buttons; nothing typed is lost.
/// </summary>
public sealed partial class TemplateDialog : IDisposable
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required DashboardService Dashboards { get; init; }
    [Inject] public required SourceService Sources { get; init; }
    [Inject] public required NavigationManager Nav { get; init; }
    [Inject] public required TemplatePreviews Previews { get; init; }

    [CascadingParameter] public required IMudDialogInstance MudDialog { get; set; }

    private Actor _actor = Actor.System;
    private string? _template;
    private string? _name;
    private IReadOnlyCollection<string>? _sources = [];
    private IReadOnlyList<Choice> _instances = [];
    private IReadOnlyDictionary<string, string[]> Errors { get; set; } = new Dictionary<string, string[]>();
    private string? _error;
    private bool _busy;
    private IReadOnlyList<ThumbnailTile>? _tiles;
    private string? _previewNote;
    private string? _previewError;
    private CancellationTokenSource? _preview;

    private sealed record Choice(string Value, string Text);

    private static string TemplateIcon(string name) => MaterialIcons.FromName(name);

    private static Dictionary<string, object?> TestId(string id) => new() { ["data-testid"] = id };

    private string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentActor.GetAsync();
        _instances = (await Sources.ListAsync(_actor, new PageRequest(200, null), CancellationToken.None)).Items.Select(s => new Choice(s.Id, s.Name)).ToList();
    }

    private Task Pick(DashboardTemplate template)
    {
        _template = template.Id;
        if (string.IsNullOrWhiteSpace(_name) || DashboardTemplates.All.Any(t => t.Name == _name)) _name = template.Name;
        return PreviewAsync();
    }

    private Task InstancesChangedAsync(IEnumerable<string>? values)
    {
        _sources = values?.ToList() ?? [];
        return PreviewAsync();
    }

    /// <summary>Computes the picked template over the picked instances; a newer pick cancels an older preview still computing.</summary>
    private async Task PreviewAsync()
    {
        if (_preview is not null) await _preview.CancelAsync();
        var cts = _preview = new CancellationTokenSource();
        _tiles = null;
        _previewError = null;
        var template = DashboardTemplates.Find(_template!)!;
        var picked = template.NeedsInstances ? (_sources ?? []).ToList() : [];
        _previewNote = !template.NeedsInstances ? "the app's own metrics, last 30 days"
            : picked.Count == 0 ? "all your instances, last 30 days"
            : $"{string.Join(", ", _instances.Where(i => picked.Contains(i.Value)).Select(i => i.Text))}, last 30 days";
        StateHasChanged();
        try
        {
            var preview = await Previews.PreviewAsync(_actor, template.Id, picked, cts.Token);
            if (!cts.IsCancellationRequested) _tiles = TemplateThumbnails.From(preview);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
        }
        catch (DomainException e)
        {
            _previewError = $"No preview: {e.Message}";
        }
    }

    private void Cancel() => MudDialog.Cancel();

    private async Task CreateAsync()
    {
        try
        {
            _busy = true;
            _error = null;
            Errors = new Dictionary<string, string[]>();
            var created = await Dashboards.InstantiateTemplateAsync(_actor, _template!, _name, (_sources ?? []).ToList(), CancellationToken.None);
            MudDialog.Close(DialogResult.Ok(created.Id));
            Nav.NavigateTo($"/dashboards/{created.Id}");
        }
        catch (ValidationException e) when (e.Errors.Keys.Any(k => k is "name" or "sourceIds"))
        {
            Errors = e.Errors;
            var rest = e.Errors.Where(x => x.Key is not ("name" or "sourceIds")).SelectMany(x => x.Value).ToList();
            _error = rest.Count > 0 ? string.Join(" ", rest) : null;
        }
        catch (DomainException e)
        {
            _error = e is ValidationException v ? string.Join(" ", v.Errors.SelectMany(x => x.Value)) : e.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    public void Dispose()
    {
        _preview?.Cancel();
        _preview?.Dispose();
    }
}
