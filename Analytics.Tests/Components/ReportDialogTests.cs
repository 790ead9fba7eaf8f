using System.Security.Claims;
using Analytics.Data;
using Analytics.Data.Collections;
using Analytics.Data.Identity;
using Analytics.Data.Reports;
using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Tests.Infrastructure;
using Analytics.Web.Auth;
using Analytics.Web.Components.Pages.Collections;
using Analytics.Web.Components.Pages.Reports;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Analytics.Tests.Components;

/// <summary>One seeded SQLite workspace (demo instances, built-in templates) shared by the dialog tests of a class.</summary>
public sealed class ReportDialogHost : IAsyncLifetime
{
    public AnalyticsTestHost Host { get; private set; } = default!;
    public Actor Admin { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite, seedDemo: true);
        await Host.InitializeAsync();
        Admin = await Host.AdminAsync();
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// The report and backfill dialogs rendered by bUnit through MudBlazor's dialog service, over the real services and a
/// real database: what the form sends is what the domain validates, and its field errors show under their fields.
/// </summary>
public sealed class ReportDialogTests : AppComponentTests, IClassFixture<ReportDialogHost>
{
    private readonly ReportDialogHost _fixture;
    private readonly AsyncServiceScope _scope;

    public ReportDialogTests(ReportDialogHost fixture)
    {
        _fixture = fixture;
        _scope = fixture.Host.Services.CreateAsyncScope();
        var auth = AddAuthorization();
        auth.SetAuthorized(fixture.Admin.DisplayName);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, fixture.Admin.UserId));
        Services.AddSingleton<TimeProvider>(fixture.Host.Clock);
        Services.AddSingleton(_scope.ServiceProvider.GetRequiredService<ActorResolver>());
        Services.AddScoped<CurrentActor>();
        Services.AddSingleton(_scope.ServiceProvider.GetRequiredService<ReportService>());
        Services.AddSingleton(_scope.ServiceProvider.GetRequiredService<CollectionService>());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _scope.Dispose();
    }

    /// <summary>Shows <typeparamref name="TDialog"/> in a rendered dialog provider, as a page does.</summary>
    private async Task<(IRenderedComponent<MudDialogProvider> Provider, IDialogReference Reference)> ShowAsync<TDialog>(DialogParameters<TDialog> parameters)
        where TDialog : ComponentBase
    {
        RenderPopovers();
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        var reference = await provider.InvokeAsync(() => dialogs.ShowAsync<TDialog>("Dialog", parameters));
        return (provider, reference);
    }

    private async Task<TemplateView> DemoTemplateAsync() =>
        await _scope.ServiceProvider.GetRequiredService<TemplateService>().GetAsync(_fixture.Admin, "tpl-demo-campaign-daily", default);

    private async Task<IReadOnlyList<SourceView>> DemoSourcesAsync() =>
        (await _scope.ServiceProvider.GetRequiredService<SourceService>().ListAsync(_fixture.Admin, new PageRequest(PageRequest.MaxLimit, null), default))
        .Items.Where(s => s.Kind == "demo").ToList();

    [Fact]
    public async Task The_report_dialog_keeps_a_nameless_report_open_with_the_servers_message_under_its_name_then_closes_with_the_saved_report()
    {
        var sources = await DemoSourcesAsync();
        var (provider, reference) = await ShowAsync(new DialogParameters<ReportFormDialog>
        {
            { d => d.Template, await DemoTemplateAsync() },
            { d => d.Sources, sources },
            { d => d.PreferredSourceId, "demo-northwind" },
        });
        provider.WaitForElement("[data-testid=report-form]");
        provider.Find("[data-testid=report-source]").GetAttribute("value").Should().Be("Northwind Outdoor (US)", "the preferred instance is chosen");
        provider.Find("label[for=report-name]").TextContent.Should().Contain("Name");

        provider.Find("[data-testid=report-name]").Input("");
        provider.Find("[data-testid=save-report]").Click();

        provider.WaitForAssertion(() => provider.Find(".field-error[data-field=name]").TextContent.Should().Contain("needs a name"));
        provider.Find("[data-testid=report-name]").GetAttribute("aria-invalid").Should().Be("true");
        provider.Find(".form-error").TextContent.Should().Contain("not saved");
        reference.Result.IsCompleted.Should().BeFalse("a refused report keeps the dialog and what was typed");

        var name = $"Dialog {Guid.NewGuid():N}"[..18];
        provider.Find("[data-testid=report-name]").Input(name);
        provider.Find("[data-testid=save-report]").Click();

        var result = await reference.Result.WaitAsync(TimeSpan.FromSeconds(10));
        result!.Canceled.Should().BeFalse();
        var saved = result.Data.Should().BeOfType<ReportView>().Subject;
        (saved.Name, saved.SourceId).Should().Be((name, "demo-northwind"));
        provider.WaitForAssertion(() => provider.FindAll("[data-testid=report-form]").Should().BeEmpty("the dialog closed")); // its removal renders after the result
    }

    [Fact]
    public async Task The_report_dialog_refuses_a_bad_parameter_before_sending_and_says_so_under_the_field()
    {
        var (provider, reference) = await ShowAsync(new DialogParameters<ReportFormDialog>
        {
            { d => d.Template, await DemoTemplateAsync() },
            { d => d.Sources, await DemoSourcesAsync() },
        });
        await using var db = await _fixture.Host.DbAsync();
        var before = await db.Reports.CountAsync();
        provider.WaitForElement("#param-minSpend").Input("-5");

        provider.WaitForAssertion(() => provider.Find(".field-error[data-field='parameters.minSpend']").TextContent.Should().Be("At least 0."));
        provider.Find("#param-minSpend").GetAttribute("aria-invalid").Should().Be("true");
        provider.Find("[data-testid=save-report]").Click();
        provider.WaitForAssertion(() => provider.Find(".form-error").TextContent.Should().Contain("Some parameters need fixing"));
        reference.Result.IsCompleted.Should().BeFalse();
        (await db.Reports.CountAsync()).Should().Be(before, "nothing was sent");
    }

    [Fact]
    public async Task The_backfill_dialog_names_a_missing_report_under_its_field_and_closes_with_the_collection_once_one_is_chosen()
    {
        var report = await _scope.ServiceProvider.GetRequiredService<ReportService>().CreateAsync(_fixture.Admin,
            new ReportInput($"Backfill {Guid.NewGuid():N}"[..18], "tpl-demo-campaign-daily", "demo-northwind", []), default);
        var (provider, reference) = await ShowAsync(new DialogParameters<NewCollectionDialog>());
        provider.WaitForElement("[data-testid=backfill-form]");
        provider.Find("[data-testid=preset-4w]").Click();
        provider.Find("[data-testid=backfill-preview]").TextContent.Should().Be("4 week segments, at most 10 at once.");
        provider.Find("[data-testid=preset-4w]").GetAttribute("aria-pressed").Should().Be("true", "the chosen preset shows as pressed");
        provider.Find("[data-testid=preset-52w]").GetAttribute("aria-pressed").Should().Be("false");

        provider.Find("[data-testid=backfill-create]").Click();
        provider.WaitForAssertion(() => provider.Find(".field-error[data-field=reportId]").TextContent.Should().Contain("Choose the report"));
        reference.Result.IsCompleted.Should().BeFalse();

        // Preselected, as "backfill again" does: the dialog starts it and closes with the new collection.
        await provider.InvokeAsync(() => reference.Close());
        provider.WaitForAssertion(() => provider.FindAll("[data-testid=backfill-form]").Should().BeEmpty());
        var againReference = await provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>()
            .ShowAsync<NewCollectionDialog>("Dialog", new DialogParameters<NewCollectionDialog> { { d => d.ReportId, report.Id } }));
        provider.WaitForElement("[data-testid=backfill-report]").GetAttribute("value").Should().StartWith(report.Name);
        provider.Find("[data-testid=backfill-create]").Click();
        var result = await againReference.Result.WaitAsync(TimeSpan.FromSeconds(10));
        var created = result!.Data.Should().BeOfType<CollectionView>().Subject;
        (created.ReportId, created.Granularity).Should().Be((report.Id, "week"));
    }
}
