using Analytics.Data;
using Analytics.Data.Identity;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Data;

/// <summary>API keys through <see cref="ApiKeyService"/>, against each provider.</summary>
public abstract class ApiKeyServiceTests : ProviderTests
{
    private const string Bootstrap = "bootstrap-0123456789-abcdefghij";

    private async Task<(AnalyticsTestHost Host, Actor Admin, Actor Viewer)> ArrangeAsync()
    {
        var host = await CreateHostAsync(settings: new Dictionary<string, string?> { ["Analytics:Auth:BootstrapApiKey"] = Bootstrap });
        await host.InitializeAsync();
        var admin = await host.AdminAsync();
        var viewer = await CreateUserAsync(host, admin, "viv@example.com", "viewer");
        return (host, admin, viewer);
    }

    private static async Task<Actor> CreateUserAsync(AnalyticsTestHost host, Actor admin, string email, string role)
    {
        var created = await host.WithScopeAsync<UserService, CreatedUser>(s => s.CreateAsync(admin, new(email, null, role, [], null), CancellationToken.None));
        return await host.ActorAsync(created.User.Id);
    }

    private static Task<CreatedApiKey> CreateKeyAsync(AnalyticsTestHost host, Actor actor, string userId) =>
        host.WithScopeAsync<ApiKeyService, CreatedApiKey>(s => s.CreateAsync(actor, userId, "test key", CancellationToken.None));

    private static Task<string?> AuthenticateAsync(AnalyticsTestHost host, string key) =>
        host.WithScopeAsync<ApiKeyService, string?>(s => s.AuthenticateAsync(key, CancellationToken.None));

    [ProviderFact]
    public async Task Created_key_authenticates_as_its_user_and_records_use()
    {
        var (host, _, viewer) = await ArrangeAsync();
        await using var _ = host;
        var created = await CreateKeyAsync(host, viewer, viewer.UserId);

        var userId = await AuthenticateAsync(host, created.Key);

        userId.Should().Be(viewer.UserId);
        var listed = await host.WithScopeAsync<ApiKeyService, IReadOnlyList<ApiKeyView>>(s => s.ListAsync(viewer, viewer.UserId, CancellationToken.None));
        listed.Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            created.Id, viewer.UserId, Name = "test key", Prefix = created.Key[..10], Revoked = false,
            CreatedAt = host.Clock.GetUtcNow(), LastUsedAt = (DateTimeOffset?)host.Clock.GetUtcNow(),
        });
    }

    [ProviderFact]
    public async Task Unknown_or_altered_keys_do_not_authenticate()
    {
        var (host, _, viewer) = await ArrangeAsync();
        await using var _ = host;
        var created = await CreateKeyAsync(host, viewer, viewer.UserId);

        (await AuthenticateAsync(host, created.Key[..^1] + (created.Key[^1] == 'a' ? 'b' : 'a'))).Should().BeNull();
        (await AuthenticateAsync(host, created.Key[3..])).Should().BeNull();
        (await AuthenticateAsync(host, "")).Should().BeNull();
        (await AuthenticateAsync(host, Bootstrap + "x")).Should().BeNull();
    }

    [ProviderFact]
    public async Task Revoked_key_no_longer_authenticates()
    {
        var (host, _, viewer) = await ArrangeAsync();
        await using var _ = host;
        var created = await CreateKeyAsync(host, viewer, viewer.UserId);
        (await AuthenticateAsync(host, created.Key)).Should().Be(viewer.UserId);

        await host.WithScopeAsync<ApiKeyService>(s => s.RevokeAsync(viewer, created.Id, CancellationToken.None));

        (await AuthenticateAsync(host, created.Key)).Should().BeNull();
        var listed = await host.WithScopeAsync<ApiKeyService, IReadOnlyList<ApiKeyView>>(s => s.ListAsync(viewer, viewer.UserId, CancellationToken.None));
        listed.Single().Revoked.Should().BeTrue();
    }

    [ProviderFact]
    public async Task Bootstrap_key_maps_to_the_oldest_enabled_admin()
    {
        var (host, admin, _) = await ArrangeAsync();
        await using var _ = host;
        host.Clock.Advance(TimeSpan.FromDays(1));
        var laterAdmin = await CreateUserAsync(host, admin, "second-admin@example.com", "admin");

        (await AuthenticateAsync(host, Bootstrap)).Should().Be(admin.UserId);

        await host.WithScopeAsync<UserService, UserView>(s => s.UpdateAsync(laterAdmin, admin.UserId, new(null, null, null, Disabled: true), CancellationToken.None));

        (await AuthenticateAsync(host, Bootstrap)).Should().Be(laterAdmin.UserId, "a disabled admin is skipped");
    }

    [ProviderFact]
    public async Task Users_cannot_manage_keys_of_others_but_admins_can()
    {
        var (host, admin, viewer) = await ArrangeAsync();
        await using var _ = host;
        var other = await CreateUserAsync(host, admin, "other@example.com", "analyst");

        var forOther = () => CreateKeyAsync(host, viewer, other.UserId);
        await forOther.Should().ThrowAsync<NotFoundException>();

        var byAdmin = await CreateKeyAsync(host, admin, viewer.UserId);
        (await AuthenticateAsync(host, byAdmin.Key)).Should().Be(viewer.UserId);

        var othersKey = await CreateKeyAsync(host, other, other.UserId);
        var revokeOthers = () => host.WithScopeAsync<ApiKeyService>(s => s.RevokeAsync(viewer, othersKey.Id, CancellationToken.None));
        await revokeOthers.Should().ThrowAsync<NotFoundException>();
        (await AuthenticateAsync(host, othersKey.Key)).Should().Be(other.UserId);
    }

    [ProviderFact]
    public async Task A_key_with_an_expiry_authenticates_until_then_and_is_listed_as_expired_afterwards()
    {
        var (host, _, viewer) = await ArrangeAsync();
        await using var _ = host;
        var created = await host.WithScopeAsync<ApiKeyService, CreatedApiKey>(s =>
            s.CreateAsync(viewer, viewer.UserId, "expiring", host.Clock.GetUtcNow().AddHours(1), CancellationToken.None));
        (await AuthenticateAsync(host, created.Key)).Should().Be(viewer.UserId);

        host.Clock.Advance(TimeSpan.FromHours(1));

        (await AuthenticateAsync(host, created.Key)).Should().BeNull("a key stops working at its expiry");
        var listed = await host.WithScopeAsync<ApiKeyService, IReadOnlyList<ApiKeyView>>(s => s.ListAsync(viewer, viewer.UserId, CancellationToken.None));
        listed.Single().Should().BeEquivalentTo(new { Expired = true, Revoked = false, ExpiresAt = (DateTimeOffset?)host.Clock.GetUtcNow() });
        var past = () => host.WithScopeAsync<ApiKeyService, CreatedApiKey>(s =>
            s.CreateAsync(viewer, viewer.UserId, "late", host.Clock.GetUtcNow(), CancellationToken.None));
        (await past.Should().ThrowAsync<ValidationException>()).Which.Errors.Keys.Should().Equal("expiresAt");
    }

    [ProviderFact]
    public async Task An_actor_authenticated_by_an_api_key_cannot_create_keys_but_one_with_the_bootstrap_key_can()
    {
        var (host, admin, viewer) = await ArrangeAsync();
        await using var _ = host;

        var byKey = () => CreateKeyAsync(host, admin with { AuthenticatedBy = AuthenticationMethod.ApiKey }, viewer.UserId);
        await byKey.Should().ThrowAsync<ForbiddenException>();
        var ownByKey = () => CreateKeyAsync(host, viewer with { AuthenticatedBy = AuthenticationMethod.ApiKey }, viewer.UserId);
        await ownByKey.Should().ThrowAsync<ForbiddenException>();

        var byBootstrap = await CreateKeyAsync(host, admin with { AuthenticatedBy = AuthenticationMethod.BootstrapKey }, viewer.UserId);
        (await AuthenticateAsync(host, byBootstrap.Key)).Should().Be(viewer.UserId);
        var bySession = await CreateKeyAsync(host, viewer with { AuthenticatedBy = AuthenticationMethod.Password }, viewer.UserId);
        (await AuthenticateAsync(host, bySession.Key)).Should().Be(viewer.UserId);
    }

    [ProviderFact]
    public async Task Admin_cannot_create_keys_for_a_user_that_does_not_exist()
    {
        var (host, admin, _) = await ArrangeAsync();
        await using var _ = host;

        var act = () => CreateKeyAsync(host, admin, "no-such-user");

        await act.Should().ThrowAsync<NotFoundException>();
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteApiKeyServiceTests : ApiKeyServiceTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresApiKeyServiceTests : ApiKeyServiceTests;
