using Analytics.Data;
using Analytics.Data.Startup;
using Analytics.Domain;
using Analytics.Jobs;
using Analytics.Web;
using Analytics.Web.Cli;
using Analytics.Web.Telemetry;

var startup = new StartupTimeline();
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton(startup);
builder.Configuration.AddRootAppSettings(builder.Environment);
builder.AddAnalyticsDomain();
builder.AddAnalyticsData();
builder.AddAnalyticsJobs();
builder.AddAnalyticsWeb();
builder.AddAnalyticsTelemetry();
startup.Mark("configure");

if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(builder, args);
}

var app = builder.Build();
startup.Mark("build");
app.UseAnalyticsWeb();
startup.Mark("pipeline");
await app.RunAsync();
return Environment.ExitCode; // 1 when the database or the scheduler could not start (they stop the app)

public partial class Program;
