using System.Net;
using System.Text.RegularExpressions;
using Analytics.Data.Identity;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Security;

/// <summary>
/// The app as a real process in Production with no admin password configured: what the console shows at first start
/// is what a log collector keeps, so only a real process's output can show the password is not in it.
/// </summary>
public sealed class FirstAdminProcessTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes are Unix's
    public async Task The_generated_admin_password_goes_to_a_0600_file_not_the_console_and_must_be_changed_at_first_sign_in()
    {
        var directory = Directory.CreateTempSubdirectory("analytics-first-admin-");
        try
        {
            await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
            {
                ["Analytics:Database:Provider"] = "Sqlite",
                ["ConnectionStrings:Analytics"] = $"Data Source={Path.Combine(directory.FullName, "app.db")}",
                ["Analytics:Database:SeedDemo"] = "false",
                ["Analytics:DataDirectory"] = directory.FullName,
                ["Analytics:Auth:AdminEmail"] = "first@example.com",
                ["Analytics:Jobs:Store"] = "memory",
            });

            var file = Path.Combine(directory.FullName, InitialAdminPassword.FileName);
            for (var i = 0; i < 50 && !app.Output.Contains("remove it", StringComparison.Ordinal); i++) await Task.Delay(100); // output arrives asynchronously
            File.Exists(file).Should().BeTrue(app.Output);
            File.GetUnixFileMode(file).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, "only the app's user may read it");
            var password = Regex.Match(await File.ReadAllTextAsync(file), "Password: (\\S+)").Groups[1].Value;
            password.Length.Should().BeGreaterThanOrEqualTo(12);
            app.Output.Should().NotContain(password, "outside Development the password never reaches the console");
            app.Output.Should().Contain(file, "the console says where the password is");
            app.Output.Should().Contain("BootstrapApiKey is set and an admin exists: remove it");

            // The app's cookies are Secure and this is plain http to 127.0.0.1 (which browsers accept): carry them by hand.
            using var browser = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.BaseUrl };
            var loginPage = await browser.GetAsync("/account/login");
            var login = await loginPage.Content.ReadAsStringAsync();
            var token = WebUtility.HtmlDecode(Regex.Match(login, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value);
            var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["__RequestVerificationToken"] = token, ["email"] = "first@example.com", ["password"] = password, ["returnUrl"] = "/",
                }),
            };
            post.Headers.Add("Cookie", string.Join("; ", loginPage.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));
            var signIn = await browser.SendAsync(post);
            signIn.Headers.Location!.ToString().Should().StartWith("/account/password", "the generated password must be changed at first sign-in");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { directory.Delete(recursive: true); } catch (IOException) { }
        }
    }
}
