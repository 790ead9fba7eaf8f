using Analytics.Data.Dashboards;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Admin;

/// <summary>
/// Admins' teams page: every team with its members, create a team, add and remove members (picked from the active
/// users), delete a team (its shares go with it). <see cref="TeamService"/> decides; its refusals show on the page.
/// </summary>
public sealed partial class Teams
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required TeamService TeamService { get; init; }
    [Inject] public required DashboardSharing Sharing { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }

    private IReadOnlyList<TeamView>? _teams;
    private IReadOnlyList<(string Id, string Name, string Email)> _people = [];
    private readonly Dictionary<string, string?> _adding = [];
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _newName;
    private bool _showCreate;
    private bool _busy;
    private string? _message;
    private bool _messageIsError;

    protected override async Task OnInitializedAsync()
    {
        var actor = await CurrentActor.GetAsync();
        _people = await Sharing.DirectoryAsync(actor, CancellationToken.None);
        await LoadAsync();
    }

    private async Task LoadAsync() => _teams = await TeamService.ListAsync(await CurrentActor.GetAsync(), CancellationToken.None);

    private string? ErrorOf(string field) => _errors.TryGetValue(field, out var e) ? string.Join(" ", e) : null;

    private string? AddingFor(TeamView team) => _adding.GetValueOrDefault(team.Id);

    private string PersonName(string id) => _people.Where(p => p.Id == id).Select(p => p.Name).FirstOrDefault() ?? "(disabled user)";

    private string PersonLabel(string? id) => _people.Where(p => p.Id == id).Select(p => $"{p.Name} ({p.Email})").FirstOrDefault() ?? "";

    private Task<IEnumerable<string>> SearchPeople(TeamView team, string? text, CancellationToken ct) =>
        Task.FromResult(_people.Where(p => !team.MemberIds.Contains(p.Id))
            .Where(p => string.IsNullOrWhiteSpace(text) || $"{p.Name} {p.Email}".Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)).Select(p => p.Id));

    private Task CreateAsync() => RunAsync(async actor =>
    {
        var team = await TeamService.SaveAsync(actor, null, _newName, [], CancellationToken.None);
        (_newName, _showCreate) = (null, false);
        return $"Created team “{team.Name}”: add its members below.";
    });

    private Task AddAsync(TeamView team) => RunAsync(async actor =>
    {
        var userId = AddingFor(team);
        await TeamService.AddMemberAsync(actor, team.Id, userId, CancellationToken.None);
        _adding.Remove(team.Id);
        return $"Added {PersonName(userId!)} to “{team.Name}”.";
    });

    private Task RemoveAsync(TeamView team, string userId) => RunAsync(async actor =>
    {
        await TeamService.RemoveMemberAsync(actor, team.Id, userId, CancellationToken.None);
        return $"Removed {PersonName(userId)} from “{team.Name}”.";
    });

    private async Task DeleteAsync(TeamView team)
    {
        if (await Dialogs.ShowMessageBoxAsync("Delete team", $"Delete the team “{team.Name}”? What was shared with it is no longer shared with its members through it.",
                yesText: "Delete", cancelText: "Keep it") != true) return;
        await RunAsync(async actor =>
        {
            await TeamService.DeleteAsync(actor, team.Id, CancellationToken.None);
            return $"Deleted team “{team.Name}”.";
        });
    }

    /// <summary>Runs a change and reloads; a refusal keyed by the name shows under it, any other above the list.</summary>
    private async Task RunAsync(Func<Actor, Task<string>> change)
    {
        _busy = true;
        try
        {
            _errors = new Dictionary<string, string[]>();
            (_message, _messageIsError) = (await change(await CurrentActor.GetAsync()), false);
        }
        catch (ValidationException v) when (v.Errors.ContainsKey("name"))
        {
            (_errors, _message) = (v.Errors, null);
        }
        catch (DomainException e)
        {
            (_message, _messageIsError) = (e is ValidationException v ? string.Join(" ", v.Errors.SelectMany(x => x.Value)) : e.Message, true);
        }
        finally
        {
            _busy = false;
        }
        await LoadAsync();
    }
}
