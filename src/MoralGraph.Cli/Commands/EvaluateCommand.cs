using System.CommandLine;
using System.Globalization;
using MoralGraph.Core.Evaluation;
using MoralGraph.LanguageModels.Configuration;
using MoralGraph.LanguageModels.Evaluation;

namespace MoralGraph.Cli.Commands;

/// <summary>
/// <c>moralgraph evaluate --spec spec.json</c>: checks a model against an alignment spec, on files alone (no store). The
/// answers come from a responses file (<c>--responses</c>) or a model (<c>--model</c>); the verdicts from a judge file
/// (<c>--verdicts</c>) or a judge model (<c>--judge-model</c>, by default the <c>--model</c>). Models are reached through the
/// same OpenAI-compatible clients as the web app's <c>LanguageModel</c> section.
/// </summary>
internal static class EvaluateCommand
{
    /// <summary>The names of the report files written into <c>--out</c>.</summary>
    public const string JsonFile = "evaluation.json", MarkdownFile = "evaluation.md";

    public static Command Create(CliConsole console)
    {
        var spec = new Option<FileInfo>("--spec") { Description = "The alignment spec (a release, or any json export).", Required = true };
        var responses = new Option<FileInfo?>("--responses") { Description = "JSON Lines of the model's answers: {\"questionId\",\"contextId\",\"response\",\"model\"?} a line." };
        var verdicts = new Option<FileInfo?>("--verdicts", "--judge-verdicts") { Description = "JSON Lines of the judge's verdicts: {\"questionId\",\"contextId\",\"policies\":[{\"index\",\"attended\",\"quote\"?}],\"redLines\":[{\"id\",\"crossed\",\"quote\"?}]} a line." };
        var output = new Option<DirectoryInfo?>("--out") { Description = $"Folder to write {JsonFile} and {MarkdownFile} into (default: print --format to standard output)." };
        var format = new Option<string>("--format") { Description = "What to print without --out: json|markdown (default markdown).", DefaultValueFactory = _ => "markdown" };
        format.AcceptOnlyFromAmong("json", "markdown", "md");
        var lowest = new Option<int>("--lowest") { Description = "Lowest-scoring contexts listed.", DefaultValueFactory = _ => SpecEvaluation.DefaultLowest };
        var model = new Option<string?>("--model") { Description = "The model under test (without --responses), and the judge unless --judge-model says otherwise." };
        var judgeModel = new Option<string?>("--judge-model") { Description = "The judge model (without --verdicts; default: --model)." };
        var provider = new Option<string>("--provider") { Description = "openai|ollama|azureopenai: the server kind (default openai).", DefaultValueFactory = _ => "openai" };
        provider.AcceptOnlyFromAmong("openai", "ollama", "azureopenai");
        var endpoint = new Option<string?>("--model-endpoint") { Description = "The server's base address (an OpenAI-compatible /v1 API; Ollama defaults to localhost)." };
        var keyVariable = new Option<string>("--api-key-env") { Description = "The environment variable holding the API key (default LanguageModel__ApiKey).", DefaultValueFactory = _ => "LanguageModel__ApiKey" };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature of both models (default 0).", DefaultValueFactory = _ => 0 };
        var timeout = new Option<int>("--timeout") { Description = "Most seconds one model call may take (default 120).", DefaultValueFactory = _ => 120 };
        var command = new Command("evaluate", "Check a model against an alignment spec: per context, the share of the winning values' policies its answer attends to and the red lines it crosses, judged by a model or read from a judge file; writes a JSON and Markdown report.")
        {
            spec, responses, verdicts, output, format, lowest, model, judgeModel, provider, endpoint, keyVariable, temperature, timeout,
        };
        command.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            if (parse.GetValue(lowest) < 0)
            {
                throw new CliException($"--lowest {parse.GetValue(lowest)}: give 0 or more.");
            }

            var responsesFile = parse.GetValue(responses);
            var verdictsFile = parse.GetValue(verdicts);
            var modelName = parse.GetValue(model);
            var judgeName = parse.GetValue(judgeModel) ?? modelName;
            if (responsesFile is null && modelName is null)
            {
                throw new CliException("No answers to judge: give --responses FILE, or --model NAME to ask a model.");
            }

            if (verdictsFile is not null && responsesFile is null)
            {
                throw new CliException("--verdicts judges the answers of a --responses file: give both.");
            }

            if (verdictsFile is null && judgeName is null)
            {
                throw new CliException("No judge: give --verdicts FILE, or --judge-model NAME (or --model NAME) to judge with a model.");
            }

            var specification = await DiffCommand.ReadSpecAsync(parse.GetValue(spec)!, cancellationToken);
            var cases = EvaluationCase.From(specification);
            if (cases.Count == 0)
            {
                throw new CliException($"{parse.GetValue(spec)!.Name} has no context with winning values: nothing to evaluate.");
            }

            var needsModel = responsesFile is null || verdictsFile is null;
            using var http = needsModel ? new HttpClient { Timeout = Timeout.InfiniteTimeSpan } : null;
            var callTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout) is var seconds and > 0 ? seconds : throw new CliException("--timeout: give 1 second or more."));
            // One client per model: OpenAI-compatible clients are bound to the model they were made for.
            Microsoft.Extensions.AI.IChatClient ChatFor(string name) =>
                CreateChatClient(parse.GetValue(provider)!, parse.GetValue(endpoint), name, parse.GetValue(keyVariable)!, http!);
            IResponseSource source = responsesFile is not null
                ? ReadOrFail(() => ResponsesFile.Read(responsesFile.Name, File.ReadAllBytes(Existing(responsesFile)), cases))
                : new ModelResponder(new EvaluationModel(ChatFor(modelName!), modelName!, parse.GetValue(temperature), callTimeout));
            IResponseJudge judge = verdictsFile is not null
                ? ReadOrFail(() => JudgeFile.Read(verdictsFile.Name, File.ReadAllBytes(Existing(verdictsFile)), cases))
                : new ModelResponseJudge(new EvaluationModel(ChatFor(judgeName!), judgeName!, parse.GetValue(temperature), callTimeout));

            // Model calls take seconds each: say how far the run is, on the error stream so the report stays clean.
            var progress = needsModel ? new CaseProgress(console.Error, cases.Count) : null;
            var report = await SpecEvaluation.RunAsync(specification, cases, source, judge, parse.GetValue(lowest), progress, cancellationToken);
            if (parse.GetValue(output) is { } folder)
            {
                folder.Create();
                await DiffCommand.WriteAsync(console, new FileInfo(Path.Combine(folder.FullName, JsonFile)), report.ToJson());
                await DiffCommand.WriteAsync(console, new FileInfo(Path.Combine(folder.FullName, MarkdownFile)), report.ToMarkdown());
                var overall = report.Overall;
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{overall.Judged} of {overall.Cases} contexts judged ({overall.Unjudged} unjudged, {overall.Unanswered} unanswered); policies attended {overall.PoliciesAttended}/{overall.PoliciesJudged} ({EvaluationReport.Percent(overall.Share)}); red lines crossed {overall.RedLinesCrossed}."));
            }
            else
            {
                await console.Out.WriteAsync(parse.GetValue(format) == "json" ? report.ToJson() : report.ToMarkdown());
            }

            return 0;
        }));
        return command;
    }

    /// <summary>The chat client for the options given, checked like the web app's <c>LanguageModel</c> section.</summary>
    private static Microsoft.Extensions.AI.IChatClient CreateChatClient(string provider, string? address, string model, string keyVariable, HttpClient http)
    {
        Uri? endpoint = null;
        if (address is not null && !Uri.TryCreate(address, UriKind.Absolute, out endpoint))
        {
            throw new CliException($"--model-endpoint {address}: give an absolute http(s) address, such as http://localhost:11434/v1/.");
        }

        var options = new LanguageModelOptions
        {
            Provider = provider switch { "ollama" => LanguageModelProvider.Ollama, "azureopenai" => LanguageModelProvider.AzureOpenAI, _ => LanguageModelProvider.OpenAI },
            Endpoint = endpoint,
            ChatModel = model,
            ApiKey = Environment.GetEnvironmentVariable(keyVariable),
        };
        var problems = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(p => p.ErrorMessage).ToList();
        if (problems.Count > 0)
        {
            // The options speak of the appsettings keys; here the key comes from --api-key-env's variable.
            throw new CliException(string.Join(" ", problems).Replace("(set the environment variable LanguageModel__ApiKey)", $"(set the environment variable {keyVariable}, or name another with --api-key-env)", StringComparison.Ordinal));
        }

        return LanguageModelClients.CreateChatClient(options, http);
    }

    private static string Existing(FileInfo file) => file.Exists ? file.FullName : throw new CliException($"{file.FullName}: file not found.");

    /// <summary>Reads a file, turning a line it cannot read into the CLI's one-line error.</summary>
    private static T ReadOrFail<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (EvaluationFileException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>One line per case done, written as it is reported (not posted to another thread, so lines keep their order).</summary>
    private sealed class CaseProgress(TextWriter error, int total) : IProgress<int>
    {
        public void Report(int value) => error.WriteLine($"… {value} of {total} contexts evaluated");
    }
}
