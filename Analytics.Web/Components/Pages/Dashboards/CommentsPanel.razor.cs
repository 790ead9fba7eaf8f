using Analytics.Data.Dashboards;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>
/// The dashboard's comments side panel: the thread, and a new comment on the dashboard or one widget. The service's
/// refusals show under the field they name; the text stays so nothing typed is lost.
/// </summary>
public sealed partial class CommentsPanel
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required DashboardComments Dashboards { get; init; }

    [Parameter, EditorRequired] public string DashboardId { get; set; } = "";
    [Parameter] public IReadOnlyList<WidgetView> Widgets { get; set; } = [];

    private Actor _actor = Actor.System;
    private IReadOnlyList<CommentView>? _comments;
    private string? _widgetId;
    private string? _body;
    private string? _error;
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();

    private sealed record Choice(string Value, string Text);

    private static Dictionary<string, object?> TestId(string id) => new() { ["data-testid"] = id };

    private IEnumerable<Choice> WidgetChoices => Widgets.Select(w => new Choice(w.Id, string.IsNullOrWhiteSpace(w.Config.Title) ? w.Type : w.Config.Title));

    private string? ErrorFor(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentActor.GetAsync();
        _comments = await Dashboards.ListCommentsAsync(_actor, DashboardId, CancellationToken.None);
    }

    private async Task AddAsync()
    {
        try
        {
            _error = null;
            _errors = new Dictionary<string, string[]>();
            await Dashboards.AddCommentAsync(_actor, DashboardId, _widgetId, _body, CancellationToken.None);
            _body = null;
            _comments = await Dashboards.ListCommentsAsync(_actor, DashboardId, CancellationToken.None);
        }
        catch (ValidationException e) when (e.Errors.Keys.All(k => k is "body" or "widgetId"))
        {
            _errors = e.Errors;
        }
        catch (DomainException e)
        {
            _error = e is ValidationException v ? string.Join(" ", v.Errors.SelectMany(x => x.Value)) : e.Message;
        }
    }
}
