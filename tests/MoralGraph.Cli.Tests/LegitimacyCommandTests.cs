using System.Text.Json;
using MoralGraph.Core.Events;
using MoralGraph.Core.Studies;
using MoralGraph.Storage.EventLog;

namespace MoralGraph.Cli.Tests;

public sealed class LegitimacyCommandTests : IDisposable
{
    private readonly CliSandbox _sandbox = new();

    /// <summary>A study where three answer the survey. Represented: 5, 4, 1 → 2 of 3; graph fair: 4, skipped, 3 → 1 of 2.</summary>
    private async Task SeedAsync()
    {
        var at = new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);
        var study = new Study("legit", "Kindness <study>", "", [new Question("q", "Grief", "What should I say?", [new StudyContext("c", "When comforting")])], [], ["en"], StudyPhase.Voting, 3);
        var events = new List<StudyEvent> { new StudyDefined(study) { StudyId = "legit", OccurredAt = at, Actor = "owner" } };
        foreach (var (who, answers) in new (string, Dictionary<string, int>)[]
        {
            ("p1", new() { ["represented-by-process"] = 5, ["graph-fair"] = 4 }),
            ("p2", new() { ["represented-by-process"] = 4 }),
            ("p3", new() { ["represented-by-process"] = 1, ["graph-fair"] = 3 }),
        })
        {
            events.Add(new ParticipantJoined(who, $"hash-{who}", "v1", "en", null) { StudyId = "legit", OccurredAt = at, Actor = who });
            events.Add(new QuestionChosen(who, "q") { StudyId = "legit", OccurredAt = at, Actor = who });
            events.Add(new SurveyAnswered(who, answers) { StudyId = "legit", OccurredAt = at, Actor = who });
        }

        using var log = new LiteDbEventLog(_sandbox.Store);
        await log.AppendAllAsync(events);
    }

    [Fact]
    public async Task Markdown_is_the_one_page_report_with_the_hand_computed_figures()
    {
        await SeedAsync();

        var result = await _sandbox.RunAsync("legitimacy", "--study", "legit", "--format", "markdown");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("# Legitimacy report: Kindness \\<study\\>", result.Output, StringComparison.Ordinal);
        // 2 of 3: Wilson 20.8 %–93.9 %; 1 of 2: 9.5 %–90.5 %.
        Assert.Contains("| Felt well represented by the process | 2 of 3 | 66.7% | 20.8%–93.9% |", result.Output, StringComparison.Ordinal);
        Assert.Contains("| Thought the moral graph fair | 1 of 2 | 50.0% | 9.5%–90.5% |", result.Output, StringComparison.Ordinal);
        Assert.Contains("| Answered the survey | 3 |", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_is_the_default_and_html_goes_to_a_file()
    {
        await SeedAsync();

        var json = await _sandbox.RunAsync("legitimacy", "--study", "legit");
        var html = await _sandbox.RunAsync("legitimacy", "--study", "legit", "--format", "html", "--out", _sandbox.PathOf("report.html"));

        Assert.True(json.ExitCode == 0, json.Error);
        using var document = JsonDocument.Parse(json.Output);
        var fair = document.RootElement.GetProperty("statements").EnumerateArray().Single(s => s.GetProperty("statementId").GetString() == "graph-fair");
        Assert.Equal((2, 1, 0.5), (fair.GetProperty("respondents").GetInt32(), fair.GetProperty("agreeing").GetInt32(), fair.GetProperty("share").GetDouble()));
        Assert.True(html.ExitCode == 0, html.Error);
        var page = await File.ReadAllTextAsync(_sandbox.PathOf("report.html"));
        Assert.StartsWith("<!DOCTYPE html>", page, StringComparison.Ordinal);
        Assert.Contains("Kindness &lt;study&gt;", page, StringComparison.Ordinal);
        Assert.Contains("<td class=\"number\">2 of 3</td>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_study_or_format_is_a_clear_error()
    {
        await SeedAsync();

        var unknown = await _sandbox.RunAsync("legitimacy", "--study", "nope");
        var badFormat = await _sandbox.RunAsync("legitimacy", "--study", "legit", "--format", "pdf");

        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("no study 'nope'", unknown.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, badFormat.ExitCode);
        Assert.Contains("pdf", badFormat.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _sandbox.Dispose();
}
