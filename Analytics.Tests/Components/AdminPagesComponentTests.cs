using System.Security.Claims;
using Analytics.Data;
using Analytics.Data.Identity;
using Analytics.Data.Sources;
using Analytics.Tests.Infrastructure;
using Analytics.Web.Auth;
using Analytics.Web.Components.Pages.Admin;
using Analytics.Web.Components.Pages.Sources;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Analytics.Tests.Components;

/// <summary>The real domain services over one SQLite database, shared by the dialog tests of the admin and sources pages.</summary>
public sealed class AdminPagesHostFixture : IAsyncLifetime
{
    public AnalyticsTestHost Host { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite);
        await Host.InitializeAsync();
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// The dialogs of the users and sources pages, rendered with bUnit over the real services: the service's validation
/// errors show under the field they name, the typed input stays, and a valid form closes the dialog with its result.
/// </summary>
public sealed class AdminPagesComponentTests(AdminPagesHostFixture fixture) : AppComponentTests, IClassFixture<AdminPagesHostFixture>
{
    private async Task<(IRenderedComponent<MudDialogProvider> Provider, IServiceScope Scope)> SignedInAsAdminAsync()
    {
        var admin = await fixture.Host.AdminAsync();
        var scope = fixture.Host.Services.CreateScope();
        foreach (var type in new[] { typeof(SourceService), typeof(SourceConnectors), typeof(UserService), typeof(PasswordService), typeof(ActorResolver) })
            Services.AddSingleton(type, scope.ServiceProvider.GetRequiredService(type));
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<CurrentActor>();
        AddAuthorization().SetAuthorized(admin.DisplayName).SetClaims(new Claim(ClaimTypes.NameIdentifier, admin.UserId));
        Popovers = RenderPopovers();
        return (Render<MudDialogProvider>(), scope);
    }

    private IRenderedComponent<MudPopoverProvider> Popovers { get; set; } = default!;

    /// <summary>Opens the first select of a type, as a click on it does (the click handler sits on MudBlazor's wrapper, not on the input).</summary>
    private static async Task OpenAsync<T>(IRenderedComponent<MudDialogProvider> provider)
    {
        var select = provider.FindComponent<MudSelect<T>>();
        await select.InvokeAsync(() => select.Instance.OpenMenu());
    }

    private async Task<IDialogReference> ShowAsync<TDialog>(IRenderedComponent<MudDialogProvider> provider, DialogParameters<TDialog> parameters) where TDialog : Microsoft.AspNetCore.Components.IComponent
    {
        IDialogReference? reference = null;
        await provider.InvokeAsync(async () => reference = await Services.GetRequiredService<IDialogService>().ShowAsync<TDialog>("Dialog", parameters));
        return reference!;
    }

    [Fact]
    public async Task The_source_form_shows_a_bad_measure_under_its_field_keeps_what_was_typed_and_closes_with_the_saved_source()
    {
        var (provider, scope) = await SignedInAsAdminAsync();
        using var _ = scope;
        var dialog = await ShowAsync(provider, new DialogParameters<SourceFormDialog>());
        var name = $"Regional {Guid.NewGuid():N}"[..20];

        provider.Find("input[data-testid=source-name]").Input(name);
        await OpenAsync<Analytics.Domain.Sources.SourceKind>(provider);
        Popovers.WaitForElement("[data-testid=source-kind-csv]").Click();
        provider.WaitForAssertion(() => provider.Find("input[data-testid=setting-measures]"));
        provider.Find("input[data-testid=setting-timeColumn]").Input("day");
        provider.Find("input[data-testid=setting-dimensions]").Input("region");
        provider.Find("input[data-testid=setting-measures]").Input("orders:median");
        provider.Find("button[data-testid=save-source]").Click();

        provider.WaitForAssertion(() => provider.Find(".field-error[data-field=measures]").TextContent.Should().Contain("sum, min, max, avg or count"));
        provider.FindAll(".field-error").Should().OnlyContain(e => e.GetAttribute("data-field") == "measures", "only the measures are wrong");
        provider.Find("input[data-testid=source-name]").GetAttribute("value").Should().Be(name, "a failed save loses nothing");
        provider.Find("input[data-testid=setting-dimensions]").GetAttribute("value").Should().Be("region");
        dialog.Result.IsCompleted.Should().BeFalse("the dialog stays open until the form is valid");

        provider.Find("input[data-testid=setting-measures]").Input("orders:sum");
        provider.Find("button[data-testid=save-source]").Click();

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10));
        result!.Canceled.Should().BeFalse();
        var saved = result.Data.Should().BeOfType<SourceView>().Subject;
        saved.Name.Should().Be(name);
        saved.Kind.Should().Be("csv");
    }

    [Fact]
    public async Task The_reset_password_dialog_shows_a_weak_password_under_its_field_then_resets_with_a_generated_one()
    {
        var (provider, scope) = await SignedInAsAdminAsync();
        using var _ = scope;
        var users = scope.ServiceProvider.GetRequiredService<UserService>();
        var created = await users.CreateAsync(await fixture.Host.AdminAsync(),
            new CreateUserCommand($"reset-{Guid.NewGuid():N}@example.com", "Reset me", "viewer", [], "first-password-42"), default);
        var dialog = await ShowAsync(provider, new DialogParameters<ResetPasswordDialog> { { d => d.UserId, created.User.Id }, { d => d.Email, created.User.Email } });

        provider.Find("input[data-testid=reset-password-value]").Input("short");
        provider.Find("button[data-testid=reset-password-confirm]").Click();
        provider.WaitForAssertion(() => provider.Find(".field-error[data-field=password]").TextContent.Should().Contain("12"));
        dialog.Result.IsCompleted.Should().BeFalse();

        provider.Find("input[data-testid=reset-password-value]").Input("");
        provider.Find("button[data-testid=reset-password-confirm]").Click();

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10));
        var reset = result!.Data.Should().BeOfType<PasswordResetResult>().Subject;
        reset.UserId.Should().Be(created.User.Id);
        reset.GeneratedPassword.Should().NotBeNullOrWhiteSpace("an empty field means: generate one");
    }

    [Fact]
    public async Task The_edit_user_dialog_saves_the_role_and_disables_the_user()
    {
        var (provider, scope) = await SignedInAsAdminAsync();
        using var _ = scope;
        var users = scope.ServiceProvider.GetRequiredService<UserService>();
        var admin = await fixture.Host.AdminAsync();
        var created = await users.CreateAsync(admin,
            new CreateUserCommand($"edit-{Guid.NewGuid():N}@example.com", "Edit me", "viewer", [], "first-password-42"), default);
        var dialog = await ShowAsync(provider, new DialogParameters<EditUserDialog> { { d => d.User, UserRow.From(created.User) } });

        await OpenAsync<string>(provider);
        Popovers.WaitForElement("[data-testid=edit-user-role-analyst]").Click();
        provider.Find("input[data-testid=edit-user-disabled]").Change(true);
        provider.Find("button[data-testid=edit-user-save]").Click();

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10));
        result!.Canceled.Should().BeFalse();
        var saved = result.Data.Should().BeOfType<UserView>().Subject;
        saved.Role.Should().Be("analyst");
        saved.Disabled.Should().BeTrue();
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("ANA@", true)]
    [InlineData("jane doe", true)]
    [InlineData("analyst", true)]
    [InlineData("viewer", false)]
    public void The_users_filter_matches_the_email_the_name_or_the_role_ignoring_case(string? search, bool matches) =>
        UserRoles.Matches(new UserRow("u1", "ana@example.com", "Jane Doe", "analyst", [], false), search).Should().Be(matches);
}
