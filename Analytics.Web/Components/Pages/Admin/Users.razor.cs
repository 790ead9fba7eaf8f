using Analytics.Data.Identity;
using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Admin;

/// <summary>The users page: a list with a filter, a create form, and dialogs to edit a user or reset their password (the services check who may).</summary>
public sealed partial class Users
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required UserService UserService { get; init; }
    [Inject] public required SourceService SourceService { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    private List<UserRow>? _users;
    private IReadOnlyList<SourceView> _sources = [];
    private NewUserForm _form = new();
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _search;
    private bool _showCreate;
    private bool _busy;
    private string? _message;
    private bool _messageIsError;

    protected override async Task OnInitializedAsync()
    {
        var actor = await CurrentActor.GetAsync();
        _sources = (await SourceService.ListAsync(actor, new PageRequest(PageRequest.MaxLimit, null), default)).Items;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var actor = await CurrentActor.GetAsync();
        var rows = new List<UserRow>();
        string? after = null;
        do
        {
            var page = await UserService.ListAsync(actor, new PageRequest(PageRequest.MaxLimit, after), default);
            rows.AddRange(page.Items.Select(UserRow.From));
            after = page.NextAfter;
        } while (after is not null);
        _users = rows.OrderBy(r => r.Email, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private bool Matches(UserRow row) => UserRoles.Matches(row, _search);

    private async Task CreateAsync()
    {
        _busy = true;
        try
        {
            var created = await UserService.CreateAsync(await CurrentActor.GetAsync(),
                new CreateUserCommand(_form.Email, _form.DisplayName, _form.Role, _form.InstanceIds.ToList(), _form.Password), default);
            _errors = new Dictionary<string, string[]>();
            // The initial password is shown once: in a message that stays until closed, never in a snackbar that fades.
            Show(created.InitialPassword is null
                ? $"Created {created.User.Email}."
                : $"Created {created.User.Email}. Initial password (shown once): {created.InitialPassword}", error: false);
            _form = new NewUserForm();
            _showCreate = false;
            await LoadAsync();
        }
        catch (ValidationException e) { _errors = e.Errors; }
        catch (DomainException e) { Show(e.Message, error: true); }
        finally { _busy = false; }
    }

    private async Task EditAsync(UserRow row)
    {
        var parameters = new DialogParameters<EditUserDialog> { { d => d.User, row }, { d => d.Sources, _sources } };
        var dialog = await Dialogs.ShowAsync<EditUserDialog>($"Edit {row.Email}", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add($"Saved {row.Email}.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task ResetAsync(UserRow row)
    {
        var parameters = new DialogParameters<ResetPasswordDialog> { { d => d.UserId, row.Id }, { d => d.Email, row.Email } };
        var dialog = await Dialogs.ShowAsync<ResetPasswordDialog>($"Reset the password of {row.Email}", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: PasswordResetResult result })
        {
            Show(result.GeneratedPassword is null
                ? $"Password of {row.Email} reset; they choose their own at next sign-in."
                : $"Password of {row.Email} reset. New password (shown once): {result.GeneratedPassword}", error: false);
        }
    }

    private string SourceName(string? id) => _sources.FirstOrDefault(s => s.Id == id)?.Name ?? id ?? "";

    private void Show(string message, bool error)
    {
        _message = message;
        _messageIsError = error;
    }

    private sealed class NewUserForm
    {
        public string Email { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string Role { get; set; } = "viewer";
        public IReadOnlyCollection<string> InstanceIds { get; set; } = [];
        public string Password { get; set; } = "";
    }
}

/// <summary>One user as the list shows it.</summary>
public sealed record UserRow(string Id, string Email, string DisplayName, string Role, IReadOnlyList<string> InstanceIds, bool Disabled)
{
    public static UserRow From(UserView v) => new(v.Id, v.Email, v.DisplayName, v.Role, v.InstanceIds.ToList(), v.Disabled);
}

/// <summary>How the users page words roles and instances, and what its filter matches.</summary>
public static class UserRoles
{
    public static IReadOnlyList<string> Names { get; } = ["viewer", "analyst", "admin"];

    public static string Instances(IEnumerable<string> ids, Func<string?, string> name) =>
        ids.Any() ? string.Join(", ", ids.Select(name)) : "none";

    /// <summary>The filter matches the e-mail, the display name or the role, ignoring case; an empty filter matches everyone.</summary>
    public static bool Matches(UserRow row, string? search) =>
        string.IsNullOrWhiteSpace(search)
        || row.Email.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)
        || row.DisplayName.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)
        || row.Role.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase);
}
