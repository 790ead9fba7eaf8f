using Analytics.Data.Dashboards;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>
/// Sharing a dashboard or a folder (<see cref="FolderId"/>: every dashboard in it and below it): with a person or a team
/// (view or edit; searched by name, e-mail or team), revoking, and a dashboard's public link (create, publish the current
/// version, revoke). The service decides who may; its refusals show in the dialog.
/// </summary>
public sealed partial class ShareDialog
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required DashboardSharing Dashboards { get; init; }
    [Inject] public required TeamService Teams { get; init; }
    [Inject] public required NavigationManager Nav { get; init; }

    [CascadingParameter] public required IMudDialogInstance MudDialog { get; set; }
    [Parameter] public string DashboardId { get; set; } = "";
    /// <summary>Shares this folder instead of a dashboard (folders have no public link).</summary>
    [Parameter] public string? FolderId { get; set; }

    private Actor _actor = Actor.System;
    private SharesView? _shares;
    private IReadOnlyList<Choice> _principals = [];
    private string? _principal;
    private string _permission = "view";
    private string? _error;
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();

    private sealed record Choice(string Value, string Text);

    private static Dictionary<string, object?> TestId(string id) => new() { ["data-testid"] = id };

    private string? PrincipalError =>
        _errors.TryGetValue("userId", out var user) ? string.Join(" ", user) : _errors.TryGetValue("teamId", out var team) ? string.Join(" ", team) : null;

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentActor.GetAsync();
        var people = await Dashboards.DirectoryAsync(_actor, CancellationToken.None);
        var teams = await Teams.ListAsync(_actor, CancellationToken.None);
        _principals = people.Where(p => p.Id != _actor.UserId).Select(p => new Choice("user:" + p.Id, $"{p.Name} ({p.Email})"))
            .Concat(teams.Select(t => new Choice("team:" + t.Id, $"Team {t.Name} ({t.MemberIds.Count})"))).ToList();
        await Guard(async () => _shares = await ListAsync());
    }

    private Task<IEnumerable<string>> SearchPrincipals(string? text, CancellationToken ct) =>
        Task.FromResult(_principals.Where(p => string.IsNullOrWhiteSpace(text) || p.Text.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)).Select(p => p.Value));

    private string PrincipalName(string? value) => _principals.FirstOrDefault(p => p.Value == value)?.Text ?? "";

    private string PublicUrl(string token) => Nav.ToAbsoluteUri($"/public/d/{token}").ToString();

    private static string PublishedAt(SharesView shares) => shares.PublicPublishedAt is { } at
        ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)
        : "an earlier save";

    private Task ShareAsync() => Guard(async () =>
    {
        if (_principal?.Split(':', 2) is not [var kind, var id]) return;
        var input = new ShareInput(kind == "user" ? id : null, kind == "team" ? id : null, _permission, null);
        _shares = FolderId is { } folder
            ? new SharesView(await Dashboards.ShareFolderAsync(_actor, folder, input, CancellationToken.None), null)
            : await Dashboards.ShareAsync(_actor, DashboardId, input, CancellationToken.None);
        _principal = null;
    });

    private Task PublishAsync() => Guard(async () => _shares = await Dashboards.PublishAsync(_actor, DashboardId, CancellationToken.None));

    private Task CreatePublicAsync() => Guard(async () => _shares = await Dashboards.ShareAsync(_actor, DashboardId, new ShareInput(null, null, null, true), CancellationToken.None));

    private Task RevokeAsync(string shareId) => Guard(async () =>
    {
        if (FolderId is { } folder) await Dashboards.RevokeFolderShareAsync(_actor, folder, shareId, CancellationToken.None);
        else await Dashboards.RevokeShareAsync(_actor, DashboardId, shareId, CancellationToken.None);
        _shares = await ListAsync();
    });

    private async Task<SharesView> ListAsync() => FolderId is { } folder
        ? new SharesView(await Dashboards.ListFolderSharesAsync(_actor, folder, CancellationToken.None), null)
        : await Dashboards.ListSharesAsync(_actor, DashboardId, CancellationToken.None);

    /// <summary>Runs a change; a refusal keyed by the principal shows under "Share with", any other above the form.</summary>
    private async Task Guard(Func<Task> action)
    {
        try
        {
            _error = null;
            _errors = new Dictionary<string, string[]>();
            await action();
        }
        catch (ValidationException e) when (e.Errors.Keys.All(k => k is "userId" or "teamId"))
        {
            _errors = e.Errors;
        }
        catch (DomainException e)
        {
            _error = e is ValidationException v ? string.Join(" ", v.Errors.SelectMany(x => x.Value)) : e.Message;
        }
    }
}
