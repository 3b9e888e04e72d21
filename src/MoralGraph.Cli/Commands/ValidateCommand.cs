using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using MoralGraph.Core.Export;
using NJsonSchema;

namespace MoralGraph.Cli.Commands;

internal static class ValidateCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<FileInfo>("SPEC.json") { Description = "An alignment spec written by 'moralgraph export --format json'." };
        var command = new Command("validate", "Check an alignment spec against the published JSON Schema and its content hash.") { file };
        command.SetAction((parse, cancellationToken) => console.GuardAsync(async () =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw new CliException($"{path.FullName}: file not found.");
            }

            var text = await File.ReadAllTextAsync(path.FullName, cancellationToken);
            var problems = await ValidateAsync(text);
            foreach (var problem in problems)
            {
                await console.Error.WriteLineAsync($"{path.Name}: {problem}");
            }

            if (problems.Count > 0)
            {
                throw new CliException($"{path.Name} is not a valid alignment spec ({problems.Count} problem(s)).");
            }

            await console.Out.WriteLineAsync($"{path.Name} is a valid alignment spec v1: schema and content hash check out.");
            return 0;
        }));
        return command;
    }

    /// <summary>Every problem with a spec's text: malformed JSON, schema violations, a hash that does not match.</summary>
    public static async Task<List<string>> ValidateAsync(string text)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            return [$"malformed JSON at line {e.LineNumber + 1}: {e.Message}"];
        }

        if (node is not JsonObject document)
        {
            return ["the document is not a JSON object."];
        }

        var schema = await JsonSchema.FromJsonAsync(AlignmentSpecJson.Schema);
        var problems = schema.Validate(text).Select(e => $"{(string.IsNullOrEmpty(e.Path) ? "#" : e.Path)}: {e.Kind}").ToList();
        if (AlignmentSpecJson.CheckHash(document) is { } hashProblem)
        {
            problems.Add(hashProblem);
        }

        return problems;
    }
}
