using System.Text.Json.Nodes;
using MoralGraph.Core.Export;
using MoralGraph.Testing.Evaluation;

namespace MoralGraph.Cli.Tests;

public sealed class EvaluateCommandTests : IDisposable
{
    private readonly CliSandbox _sandbox = new();

    private (string Spec, string Responses, string Verdicts) Files() => (
        _sandbox.Write("spec.json", AlignmentSpecJson.Write(EvaluationFixture.Spec())),
        _sandbox.Write("responses.jsonl", EvaluationFixture.Responses),
        _sandbox.Write("verdicts.jsonl", EvaluationFixture.Verdicts));

    [Fact]
    public async Task Evaluate_offline_writes_the_json_and_markdown_report_into_the_out_folder()
    {
        var (spec, responses, verdicts) = Files();

        var run = await _sandbox.RunAsync("evaluate", "--spec", spec, "--responses", responses, "--verdicts", verdicts, "--out", _sandbox.PathOf("report"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("3 of 3 contexts judged (0 unjudged, 0 unanswered); policies attended 5/9 (56 %); red lines crossed 1.", run.Output, StringComparison.Ordinal);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(_sandbox.PathOf("report/evaluation.json")))!;
        Assert.Equal(5, (int)json["overall"]!["policiesAttended"]!);
        Assert.Equal(AlignmentSpecJson.ComputeHash(EvaluationFixture.Spec()), (string?)json["specContentHash"]);
        Assert.Equal("verdicts.jsonl", (string?)json["judge"]!["file"]);
        var markdown = await File.ReadAllTextAsync(_sandbox.PathOf("report/evaluation.md"));
        Assert.StartsWith("# Evaluation: Evaluation fixture", markdown, StringComparison.Ordinal);
        Assert.Contains("| **all** | 3 | 3 | 0 | 0 | 5/9 | 56 % | 64 % | 1 |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_prints_markdown_or_json_without_out_and_accepts_the_judge_verdicts_alias()
    {
        var (spec, responses, verdicts) = Files();

        var markdown = await _sandbox.RunAsync("evaluate", "--spec", spec, "--responses", responses, "--judge-verdicts", verdicts);
        var json = await _sandbox.RunAsync("evaluate", "--spec", spec, "--responses", responses, "--verdicts", verdicts, "--format", "json", "--lowest", "1");

        Assert.Equal(0, markdown.ExitCode);
        Assert.Contains("## Lowest-scoring", markdown.Output, StringComparison.Ordinal);
        Assert.Equal(0, json.ExitCode);
        Assert.Equal("c3", (string?)Assert.Single(JsonNode.Parse(json.Output)!["lowest"]!.AsArray())!["contextId"]);
    }

    [Fact]
    public async Task A_malformed_verdict_is_reported_unjudged_and_the_command_still_succeeds()
    {
        var (spec, responses, _) = Files();
        var verdicts = _sandbox.Write("bad.jsonl", EvaluationFixture.Verdicts.Replace("{\"index\":2,\"attended\":false}", "{\"index\":2,\"attended\":\"no\"}", StringComparison.Ordinal));

        var run = await _sandbox.RunAsync("evaluate", "--spec", spec, "--responses", responses, "--verdicts", verdicts);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("- `q1`/`c1` unjudged: bad.jsonl line 1: policies\\[1\\].attended must be true or false", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_judge_model_that_cannot_be_reached_leaves_every_case_unjudged_and_the_report_names_model_and_prompt()
    {
        var (spec, responses, _) = Files();

        // Nothing listens on the discard port: the connection is refused at once, no request is made.
        var run = await _sandbox.RunAsync("evaluate", "--spec", spec, "--responses", responses, "--judge-model", "judge-test", "--provider", "ollama",
            "--model-endpoint", "http://127.0.0.1:9/v1/", "--timeout", "10", "--format", "json");

        Assert.True(run.ExitCode == 0, run.Error);
        var json = JsonNode.Parse(run.Output)!;
        Assert.Equal(3, (int)json["overall"]!["unjudged"]!);
        Assert.StartsWith("the judge call failed: ", (string?)json["contexts"]![0]!["reason"], StringComparison.Ordinal);
        Assert.Equal("judge-test", (string?)json["judge"]!["models"]![0]);
        Assert.Equal("evaluation-judge", (string?)json["judge"]!["promptId"]);
        Assert.Contains("… 3 of 3 contexts evaluated", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-responses")]
    [InlineData("bad-endpoint")]
    [InlineData("verdicts-without-responses")]
    [InlineData("no-judge")]
    [InlineData("broken-line")]
    [InlineData("missing-file")]
    [InlineData("not-a-spec")]
    [InlineData("model-without-key")]
    public async Task Bad_input_gets_a_clear_error_and_exit_code_1(string problem)
    {
        var (spec, responses, verdicts) = Files();
        _sandbox.Write("broken.jsonl", "{\"questionId\":\"q1\",\"contextId\":\"c1\",\"response\":\"x\"}\n{broken");
        _sandbox.Write("notspec.json", "{ not json");
        var (args, message) = problem switch
        {
            "no-responses" => (new[] { "--spec", spec, "--verdicts", verdicts }, "No answers to judge: give --responses FILE, or --model NAME"),
            "verdicts-without-responses" => (["--spec", spec, "--model", "m", "--verdicts", verdicts], "--verdicts judges the answers of a --responses file"),
            "no-judge" => (["--spec", spec, "--responses", responses], "No judge: give --verdicts FILE, or --judge-model NAME"),
            "broken-line" => (["--spec", spec, "--responses", _sandbox.PathOf("broken.jsonl"), "--verdicts", verdicts], "broken.jsonl line 2: not JSON"),
            "missing-file" => (["--spec", spec, "--responses", responses, "--verdicts", _sandbox.PathOf("none.jsonl")], "none.jsonl: file not found"),
            "bad-endpoint" => (["--spec", spec, "--responses", responses, "--judge-model", "m", "--provider", "ollama", "--model-endpoint", "localhost-11434"], "--model-endpoint localhost-11434: give an absolute http(s) address"),
            "not-a-spec" => (["--spec", _sandbox.PathOf("notspec.json"), "--responses", responses, "--verdicts", verdicts], "notspec.json is not an alignment spec"),
            _ => (["--spec", spec, "--responses", responses, "--judge-model", "gpt-test", "--api-key-env", "MORALGRAPH_TEST_UNSET_KEY"], "set the environment variable MORALGRAPH_TEST_UNSET_KEY"),
        };

        var run = await _sandbox.RunAsync(["evaluate", .. args]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _sandbox.Dispose();
}
