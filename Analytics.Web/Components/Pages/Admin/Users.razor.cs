using Analytics.Data.Identity;
using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using Radzen.Blazor;

namespace Analytics.Web.Components.Pages.Admin;

public sealed partial class Users
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required UserService UserService { get; init; }
    [Inject] public required SourceService SourceService { get; init; }
    [Inject] public required PasswordService PasswordService { get; init; }

    private static readonly string[] RoleNames = ["viewer", "analyst", "admin"];

    private RadzenDataGrid<UserRow>? _grid;
    private List<UserRow>? _users;
    private IReadOnlyList<SourceView> _sources = [];
    private NewUserForm _form = new();
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private bool _showCreate;
    private bool _busy;
    private string? _message;
    private bool _messageIsError;
    private UserRow? _reset;
    private string _resetPassword = "";
    private IReadOnlyDictionary<string, string[]> _resetErrors = new Dictionary<string, string[]>();

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

    private async Task CreateAsync()
    {
        _busy = true;
        try
        {
            var created = await UserService.CreateAsync(await CurrentActor.GetAsync(),
                new CreateUserCommand(_form.Email, _form.DisplayName, _form.Role, _form.InstanceIds.ToList(), _form.Password), default);
            _errors = new Dictionary<string, string[]>();
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

    private async Task UpdateAsync(UserRow row)
    {
        try
        {
            await UserService.UpdateAsync(await CurrentActor.GetAsync(), row.Id,
                new UpdateUserCommand(null, row.Role, row.InstanceIds.ToList(), row.Disabled), default);
            Show($"Saved {row.Email}.", error: false);
        }
        catch (DomainException e)
        {
            Show(e.Message, error: true);
        }
        await LoadAsync();
    }

    private void StartReset(UserRow row)
    {
        _reset = row;
        _resetPassword = "";
        _resetErrors = new Dictionary<string, string[]>();
    }

    private async Task ResetPasswordAsync()
    {
        if (_reset is null) return;
        _busy = true;
        try
        {
            var result = await PasswordService.ResetAsync(await CurrentActor.GetAsync(), _reset.Id, _resetPassword, default);
            Show(result.GeneratedPassword is null
                ? $"Password of {_reset.Email} reset; they choose their own at next sign-in."
                : $"Password of {_reset.Email} reset. New password (shown once): {result.GeneratedPassword}", error: false);
            _reset = null;
        }
        catch (ValidationException e) when (e.Errors.ContainsKey("password")) { _resetErrors = e.Errors; }
        catch (DomainException e) { Show(e is ValidationException v ? string.Join(" ", v.Errors.SelectMany(kv => kv.Value)) : e.Message, error: true); }
        finally { _busy = false; }
    }

    private async Task CancelEdit(UserRow row)
    {
        _grid!.CancelEditRow(row);
        await LoadAsync();
    }

    private string SourceName(string id) => _sources.FirstOrDefault(s => s.Id == id)?.Name ?? id;

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
        public IEnumerable<string> InstanceIds { get; set; } = [];
        public string Password { get; set; } = "";
    }

    public sealed class UserRow
    {
        public required string Id { get; init; }
        public required string Email { get; init; }
        public required string DisplayName { get; init; }
        public required string Role { get; set; }
        public required IEnumerable<string> InstanceIds { get; set; }
        public bool Disabled { get; set; }

        public static UserRow From(UserView v) => new()
        {
            Id = v.Id, Email = v.Email, DisplayName = v.DisplayName, Role = v.Role, InstanceIds = v.InstanceIds.ToList(), Disabled = v.Disabled,
        };
    }
}
