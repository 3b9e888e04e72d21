using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MoralGraph.Core.Access;
using MoralGraph.Core.Evaluation;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Core.Reconciliation;
using MoralGraph.Core.Releases;
using MoralGraph.Web.Components.Pages.Console;
using MoralGraph.Web.Console;
using MoralGraph.Web.Tests.Live;

namespace MoralGraph.Web.Tests.Console;

public sealed class EvaluatePageTests : ConsoleComponentTest, IClassFixture<ConsoleApp>
{
    public EvaluatePageTests(ConsoleApp app)
        : base(app) => Services.AddScoped(_ => new EvaluationPageState(app.Get<EvaluationConsole>()));

    [Fact]
    public async Task A_facilitator_uploads_responses_and_verdicts_and_sees_the_report_against_the_live_graph()
    {
        var script = await App.StudyAsync("evaluate-page", Core.Studies.StudyPhase.Voting);
        await App.AppendAsync([.. Enumerable.Range(0, 3).Select(i => script.Vote($"v{i}", script.Value(0), script.Value(1), StudyScript.GriefComforting))]);
        await App.AppendAsync([.. Enumerable.Range(0, 3).Select(i => script.Vote($"d{i}", script.Value(1), script.Value(2), StudyScript.GriefDeciding))]);
        var facilitator = await App.UserAsync("evaluate-facilitator", FacilitatorRole.Facilitator, script.Slug);
        var spec = await new StudyReleases(App.Get<StudyStates>(), TimeProvider.System).LiveAsync(script.Slug, ReconciliationProfiles.Find(DefaultProfile.ProfileName)!);
        var cases = EvaluationCase.From(spec!);
        Assert.Equal(2, cases.Count);
        var responses = string.Join("\n", cases.Select(c => JsonSerializer.Serialize(new { questionId = c.QuestionId, contextId = c.ContextId, response = "I would listen first.", model = "m" })));
        // The first case: every policy attended; the others: a malformed verdict (a policy missing).
        var verdicts = string.Join("\n", cases.Select((c, i) => JsonSerializer.Serialize(new
        {
            questionId = c.QuestionId,
            contextId = c.ContextId,
            policies = c.Policies.Skip(i == 0 ? 0 : 1).Select(p => new { index = p.Number, attended = true, quote = "listen first" }),
            redLines = c.RedLines.Select(r => new { id = r.Id, crossed = false }),
        })));

        var page = RenderPage<StudyEvaluatePage>(facilitator, script.Slug);
        page.WaitForElement("[data-testid=evaluate]", TimeSpan.FromSeconds(30));
        var uploads = page.FindComponents<InputFile>();
        uploads[0].UploadFiles(InputFileContent.CreateFromText(responses, "responses.jsonl"));
        uploads[1].UploadFiles(InputFileContent.CreateFromText(verdicts, "verdicts.jsonl"));
        page.WaitForAssertion(() => Assert.Equal("verdicts.jsonl", page.Find("[data-testid=verdicts-name]").TextContent), TimeSpan.FromSeconds(10));
        page.Find("[data-testid=evaluate]").Click();
        page.WaitForElement("[data-testid=report]", TimeSpan.FromSeconds(30));

        var policies = cases[0].Policies.Count;
        var all = page.FindAll("[data-testid=totals]")[^1].TextContent;
        Assert.Contains($"{policies}/{policies}", all, StringComparison.Ordinal);
        Assert.Contains("100 %", all, StringComparison.Ordinal);
        var contexts = page.FindAll("[data-testid=context]");
        Assert.Equal(cases.Count, contexts.Count);
        Assert.Contains("judged", contexts[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("unjudged: verdicts.jsonl line 2: policies not judged: 1", contexts[1].TextContent, StringComparison.Ordinal);

        Assert.StartsWith("data:application/json;charset=utf-8;base64,", page.Find("[data-testid=download-json]").GetAttribute("href"), StringComparison.Ordinal);
        Assert.Equal("evaluation.md", page.Find("[data-testid=download-markdown]").GetAttribute("download"));
    }

    [Fact]
    public async Task A_responses_file_with_a_broken_line_is_refused_with_its_line_number()
    {
        var script = await App.StudyAsync("evaluate-broken", Core.Studies.StudyPhase.Voting);
        await App.AppendAsync([.. Enumerable.Range(0, 3).Select(i => script.Vote($"v{i}", script.Value(0), script.Value(1), StudyScript.GriefComforting))]);
        var facilitator = await App.UserAsync("evaluate-broken-facilitator", FacilitatorRole.Facilitator, script.Slug);
        var page = RenderPage<StudyEvaluatePage>(facilitator, script.Slug);
        page.WaitForElement("[data-testid=evaluate]", TimeSpan.FromSeconds(30));

        var uploads = page.FindComponents<InputFile>();
        uploads[0].UploadFiles(InputFileContent.CreateFromText("\n{not json", "responses.jsonl"));
        uploads[1].UploadFiles(InputFileContent.CreateFromText("", "verdicts.jsonl"));
        page.WaitForAssertion(() => Assert.Equal("verdicts.jsonl", page.Find("[data-testid=verdicts-name]").TextContent), TimeSpan.FromSeconds(10));
        page.Find("[data-testid=evaluate]").Click();

        page.WaitForAssertion(() => Assert.StartsWith("responses.jsonl line 2: not JSON", page.Find("[data-testid=problem]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.Empty(page.FindAll("[data-testid=report]"));
    }

    [Fact]
    public async Task An_observer_may_not_evaluate()
    {
        var script = await App.StudyAsync("evaluate-observed", Core.Studies.StudyPhase.Voting);
        var observer = await App.UserAsync("evaluate-observer", FacilitatorRole.Observer, script.Slug);

        await Assert.ThrowsAsync<ConsoleAccessDeniedException>(() => App.Get<EvaluationConsole>().EvaluateAsync(
            observer, script.Slug, EvaluationConsole.Live, new UploadedFile("r.jsonl", []), new UploadedFile("v.jsonl", [])));
    }
}
