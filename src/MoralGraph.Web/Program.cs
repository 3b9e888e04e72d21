using MoralGraph.Web.Extensions;
using MoralGraph.Web.Hosting;

var builder = WebApplication.CreateBuilder(AppFolder.WebApplicationOptions(args));

builder.UseStaticWebAssetsInEveryEnvironment();
builder.AddReverseProxySupport();
builder.AddMoralGraphStorage();
builder.AddStudySeeding();
builder.AddMoralGraphWeb();
builder.AddLanguageModels();
builder.AddParticipantJourney();
builder.AddFacilitatorAccess();
builder.AddFacilitatorConsole();
builder.AddLiveSession();
builder.AddRedisScaleOut();
builder.AddWebSecurity();

var app = builder.Build();

app.MapMoralGraphWeb();

app.Run();
