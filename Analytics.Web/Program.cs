using Analytics.Data;
using Analytics.Domain;
using Analytics.Jobs;
using Analytics.Web;
using Analytics.Web.Cli;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddRootAppSettings(builder.Environment);
builder.AddAnalyticsDomain();
builder.AddAnalyticsData();
builder.AddAnalyticsJobs();
builder.AddAnalyticsWeb();

if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(builder, args);
}

var app = builder.Build();
app.UseAnalyticsWeb();
await app.RunAsync();
return 0;

public partial class Program;
