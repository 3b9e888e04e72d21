using MoralGraph.Web.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddLiteDbStorage();
builder.AddStudySeeding();
builder.AddMoralGraphWeb();
builder.AddLanguageModels();
builder.AddParticipantJourney();
builder.AddFacilitatorAccess();
builder.AddFacilitatorConsole();
builder.AddLiveSession();

var app = builder.Build();

app.MapMoralGraphWeb();

app.Run();
