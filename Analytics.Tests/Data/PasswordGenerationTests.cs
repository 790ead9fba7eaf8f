using Analytics.Data;
using Analytics.Data.Identity;
using Analytics.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Analytics.Tests.Data;

public sealed class PasswordGenerationTests
{
    [Fact]
    public async Task Generated_passwords_always_satisfy_the_identity_password_rules()
    {
        // The first admin's password is generated at first start: one that Identity rejects stops the app.
        await using var host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite);
        var failures = await host.WithScopeAsync<UserManager<AppUser>, List<string>>(async manager =>
        {
            var user = new AppUser { UserName = "u@example.com", Email = "u@example.com" };
            var rejected = new List<string>();
            for (var i = 0; i < 50_000; i++)
            {
                var password = UserService.GeneratePassword();
                foreach (var validator in manager.PasswordValidators)
                {
                    var result = await validator.ValidateAsync(manager, user, password);
                    if (!result.Succeeded) rejected.Add($"{password}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
                }
            }
            return rejected;
        });

        failures.Should().BeEmpty();
    }
}
