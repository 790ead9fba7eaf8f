using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Analytics.Tests.Web;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Analytics.Tests.Security;

/// <summary>
/// The browser's side of the account forms over plain HTTP: a cookie-keeping client that reads the antiforgery token
/// from a page and posts the form, as a browser does; an optional client address for the per-address limits
/// (<see cref="GuardedWebFactory"/> honours <see cref="GuardedWebFactory.ClientAddressHeader"/>).
/// </summary>
public static partial class AccountHttp
{
    public static HttpClient FormClient(this AnalyticsWebFactory factory, string? clientAddress = null)
    {
        // https, as a browser sees the app: its cookies are Secure, and a cookie jar keeps those for https only.
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://localhost") });
        if (clientAddress is not null) client.DefaultRequestHeaders.Add(GuardedWebFactory.ClientAddressHeader, clientAddress);
        return client;
    }

    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string page)
    {
        var response = await client.GetAsync(page);
        var html = await response.Content.ReadAsStringAsync();
        var match = TokenPattern().Match(html);
        match.Success.Should().BeTrue($"{page} carries an antiforgery token (status {(int)response.StatusCode})");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string returnUrl = "/")
    {
        var token = await AntiforgeryTokenAsync(client, "/account/login");
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["email"] = email, ["password"] = password, ["returnUrl"] = returnUrl,
        }));
    }

    public static async Task<HttpResponseMessage> ChangePasswordAsync(HttpClient client, string current, string next, string? confirm = null, string returnUrl = "/")
    {
        var token = await AntiforgeryTokenAsync(client, "/account/password");
        return await client.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["currentPassword"] = current, ["newPassword"] = next,
            ["confirmPassword"] = confirm ?? next, ["returnUrl"] = returnUrl,
        }));
    }

    /// <summary>Creates a user over the API (as <paramref name="admin"/>) with the given password; returns its id.</summary>
    public static async Task<string> CreateUserAsync(HttpClient admin, string email, string password, string role = "analyst", string[]? instances = null)
    {
        var created = await admin.PostAsJsonAsync("/api/v1/users", new { email, role, password, instanceIds = instances ?? [] });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
    }

    public static string Location(this HttpResponseMessage response) => response.Headers.Location?.ToString() ?? "";

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
