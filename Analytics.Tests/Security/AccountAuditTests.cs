using System.Net;
using System.Net.Http.Json;
using Analytics.Domain.Access;
using Analytics.Tests.Web;

namespace Analytics.Tests.Security;

/// <summary>Account changes made over the API land in the audit trail with who did what to whom.</summary>
[Collection(AccountCollection.Name)]
public sealed class AccountAuditTests(AnalyticsWebFactory factory)
{
    [Fact]
    public async Task Creating_a_user_and_changing_grants_role_and_disabled_are_audited_each_once()
    {
        using var admin = factory.CreateApiClient(AnalyticsWebFactory.BootstrapKey);
        var email = GuardedSetup.NewEmail("audited");
        var userId = await AccountHttp.CreateUserAsync(admin, email, "set-by-admin-42", role: "viewer", instances: ["demo-contoso"]);

        async Task UpdateAsync(object body) =>
            (await admin.PutAsJsonAsync($"/api/v1/users/{userId}", body)).StatusCode.Should().Be(HttpStatusCode.OK);
        await UpdateAsync(new { instanceIds = new[] { "demo-fabrikam" } });
        await UpdateAsync(new { instanceIds = new[] { "demo-fabrikam" } }); // unchanged: no entry
        await UpdateAsync(new { role = "analyst" });
        await UpdateAsync(new { disabled = true });
        await UpdateAsync(new { disabled = false });

        var created = (await factory.AuditAsync(AuditActions.UserCreated, userId)).Should().ContainSingle().Subject;
        created.Detail.Should().Contain(email).And.Contain("role viewer").And.Contain("demo-contoso").And.NotContain("set-by-admin-42");
        created.ActorName.Should().NotBeNullOrEmpty();
        (await factory.AuditAsync(AuditActions.UserGrantsChanged, userId)).Should().ContainSingle()
            .Which.Detail.Should().Contain("granted demo-fabrikam").And.Contain("revoked demo-contoso");
        (await factory.AuditAsync(AuditActions.UserRoleChanged, userId)).Should().ContainSingle().Which.Detail.Should().Contain("viewer → analyst");
        (await factory.AuditAsync(AuditActions.UserDisabled, userId)).Should().ContainSingle();
        (await factory.AuditAsync(AuditActions.UserEnabled, userId)).Should().ContainSingle();
    }
}
