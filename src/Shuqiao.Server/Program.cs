using Shuqiao.Server.Audit;
using Shuqiao.Server.Catalog;
using Shuqiao.Server.Credentials;
using Shuqiao.Server.Demo;
using Shuqiao.Server.Exchange;
using Shuqiao.Server.Identity;
using Shuqiao.Server.Ingestion;
using Shuqiao.Server.Insights;
using Shuqiao.Server.Ledger;
using Shuqiao.Server.Operations;
using Shuqiao.Server.Organizations;
using Shuqiao.Server.Platform;
using Shuqiao.Server.Quality;
using Shuqiao.Server.Sharing;

var builder = WebApplication.CreateBuilder(args);
builder.AddShuqiaoPlatform();
builder.AddOperations();
builder.Services.AddIdentityCapability();
builder.Services.AddOrganizations();
builder.Services.AddAudit();
builder.Services.AddInsights();
builder.Services.AddDemoData();
builder.Services.AddCatalog(); // after AddDemoData: the demo catalog needs the demo organizations
builder.Services.AddLedger();
builder.Services.AddLicences();
builder.Services.AddIngestion();
builder.Services.AddQuality();
builder.Services.AddSharing();
builder.Services.AddExchange();

var app = builder.Build();
app.UseShuqiaoPlatform();
app.MapOperations();
app.MapIdentity();
app.MapOrganizations();
app.MapAudit();
app.MapInsights();
app.MapCatalog();
app.MapLedger();
app.MapLicences();
app.MapIngestion();
app.MapQuality();
app.MapSharing();
app.MapExchange();
app.Run();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
