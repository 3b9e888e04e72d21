using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Events;
using MoralGraph.Web.Tests.Access;
using MoralGraph.Web.Tests.Participation;

namespace MoralGraph.Web.Tests.Api;

/// <summary>The legitimacy report over HTTP: a facilitator's one-page report, refused to anyone else.</summary>
public sealed class LegitimacyApiTests : IAsyncLifetime
{
    private const string Slug = "legit";

    private readonly MoralGraphAppFactory _app = new MoralGraphAppFactory().WithStudyFile("legit.yaml", JourneyAppFixture.StudyYaml(Slug, "voting"));
    private HttpClient _owner = null!;

    public async Task InitializeAsync()
    {
        _owner = await _app.OwnerClientAsync();
        // Four answer the survey; one of them withdraws. Represented: 5, 4, 2 (and the withdrawn 5) → 2 of 3.
        var log = _app.Services.GetRequiredService<IEventLog>();
        var at = new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);
        var events = new List<StudyEvent>();
        foreach (var (who, represented, fair) in new[] { ("p-a", 5, 4), ("p-b", 4, 2), ("p-c", 2, 5), ("p-d", 5, 5) })
        {
            events.Add(new ParticipantJoined(who, $"hash-{who}", "v1", "en", null) { StudyId = Slug, OccurredAt = at, Actor = who });
            events.Add(new QuestionChosen(who, "grief") { StudyId = Slug, OccurredAt = at, Actor = who });
            events.Add(new SurveyAnswered(who, new Dictionary<string, int> { ["represented-by-process"] = represented, ["graph-fair"] = fair }) { StudyId = Slug, OccurredAt = at, Actor = who });
        }

        events.Add(new ParticipantWithdrew("p-d") { StudyId = Slug, OccurredAt = at, Actor = "p-d" });
        await log.AppendAllAsync(events);
    }

    public async Task DisposeAsync()
    {
        _owner.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_facilitator_downloads_the_one_page_html_report_with_the_hand_computed_figures()
    {
        using var response = await _owner.GetAsync($"/api/studies/{Slug}/legitimacy?format=html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{Slug}-legitimacy.html", response.Content.Headers.ContentDisposition?.FileName);
        var html = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        // 2 of 3 → 66.7 %, Wilson 20.8 %–93.9 %; fair p-a 4, p-b 2, p-c 5 → 2 of 3 too.
        Assert.Contains("<th scope=\"row\">Felt well represented by the process</th><td class=\"number\">2 of 3</td><td class=\"number\">66.7%</td><td class=\"number\">20.8%–93.9%</td>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">Thought the moral graph fair</th><td class=\"number\">2 of 3</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("p-a", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Markdown_and_json_say_the_same_and_json_is_the_default()
    {
        var markdown = await _owner.GetStringAsync($"/api/studies/{Slug}/legitimacy?format=markdown");
        using var json = JsonDocument.Parse(await _owner.GetStringAsync($"/api/studies/{Slug}/legitimacy"));

        Assert.Contains("| Felt well represented by the process | 2 of 3 | 66.7% | 20.8%–93.9% |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Agreed to take part | 3 |", markdown, StringComparison.Ordinal);
        var represented = json.RootElement.GetProperty("statements").EnumerateArray().Single(s => s.GetProperty("statementId").GetString() == "represented-by-process");
        Assert.Equal((3, 2), (represented.GetProperty("respondents").GetInt32(), represented.GetProperty("agreeing").GetInt32()));
        Assert.Equal(3, json.RootElement.GetProperty("steps")[0].GetProperty("participants").GetInt32());
    }

    [Fact]
    public async Task The_alignment_spec_carries_the_same_figures()
    {
        using var spec = JsonDocument.Parse(await _owner.GetStringAsync($"/api/studies/{Slug}/export?format=json"));

        var legitimacy = spec.RootElement.GetProperty("legitimacy");
        var represented = legitimacy.GetProperty("statements").EnumerateArray().Single(s => s.GetProperty("statementId").GetString() == "represented-by-process");
        Assert.Equal(2, represented.GetProperty("agreeing").GetInt32());
        Assert.Equal("1.4.0", spec.RootElement.GetProperty("schemaVersion").GetString());
    }

    [Fact]
    public async Task Anyone_not_signed_in_is_refused_and_bad_requests_say_what_is_wrong()
    {
        using var anonymous = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        using var refused = await anonymous.GetAsync($"/api/studies/{Slug}/legitimacy?format=html");
        using var badFormat = await _owner.GetAsync($"/api/studies/{Slug}/legitimacy?format=pdf");
        using var unknown = await _owner.GetAsync("/api/studies/no-such-study/legitimacy?format=html");

        Assert.True(refused.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{refused.StatusCode}");
        Assert.DoesNotContain("66.7%", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        Assert.Contains("json|markdown|html", await badFormat.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
