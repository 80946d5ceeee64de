using Shuqiao.Server.Identity;
using Shuqiao.Server.Organizations;
using Shuqiao.Server.Platform;

var builder = WebApplication.CreateBuilder(args);
builder.AddShuqiaoPlatform();
builder.Services.AddIdentityCapability();
builder.Services.AddOrganizations();

var app = builder.Build();
app.UseShuqiaoPlatform();
app.MapIdentity();
app.MapOrganizations();
app.Run();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
