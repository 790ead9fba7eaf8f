using Analytics.Data.Audit;

namespace Analytics.Web.Auth;

/// <summary>
/// The client address of the HTTP request being served (after forwarded headers from trusted proxies), for the audit
/// trail; null where there is no request (a background job).
/// </summary>
internal sealed class HttpClientAddress(IHttpContextAccessor accessor) : IClientAddress
{
    public string? Current => accessor.HttpContext?.Connection.RemoteIpAddress?.ToString();
}
