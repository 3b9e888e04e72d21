using System.Text;

namespace MoralGraph.Cli.Tests;

/// <summary>Runs the moralgraph command in-process against a store in a temporary folder.</summary>
public sealed class CliSandbox : IDisposable
{
    public CliSandbox() => Folder = Directory.CreateTempSubdirectory("moralgraph-cli-");

    public DirectoryInfo Folder { get; }

    public string Store => PathOf("store.db");

    public string PathOf(string name) => Path.Combine(Folder.FullName, name);

    public Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => RunWithInputAsync(string.Empty, args);

    /// <summary>Runs with <paramref name="input"/> as standard input (e.g. a password for --password-stdin).</summary>
    public async Task<(int ExitCode, string Output, string Error)> RunWithInputAsync(string input, params string[] args)
    {
        var output = new StringWriter(new StringBuilder());
        var error = new StringWriter(new StringBuilder());
        var exitCode = await MoralGraphCli.RunAsync(["--db", Store, .. args], output, error, new StringReader(input));
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs with exactly <paramref name="args"/>, naming no store (for commands given their stores another way, or --db twice).</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunWithoutStoreAsync(params string[] args)
    {
        var output = new StringWriter(new StringBuilder());
        var error = new StringWriter(new StringBuilder());
        var exitCode = await MoralGraphCli.RunAsync(args, output, error, new StringReader(string.Empty));
        return (exitCode, output.ToString(), error.ToString());
    }

    public string Write(string name, string content)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A small dump in MAI's public format: three values, five votes in two contexts.</summary>
    public string WriteMaiDump()
    {
        Write("dump/case.json", """[{"id":"abortion","title":"Abortion","question":"What should I do?"}]""");
        Write("dump/context.json", """[{"id":"When in distress"},{"id":"When making decisions"}]""");
        Write("dump/contextsOnCases.json", """[{"contextId":"When in distress","caseId":"abortion"},{"contextId":"When making decisions","caseId":"abortion"}]""");
        Write("dump/canonicalValuesCard.json", """
            [{"id":1,"title":"Informed Autonomy","instructionsShort":"Lay out options.","instructionsDetailed":"D.","evaluationCriteria":["OPTIONS a","CONSEQUENCES b","MOMENTS c"],"createdAt":"2023-09-01T00:00:00.000Z","updatedAt":"2023-09-01T00:00:00.000Z"},
             {"id":2,"title":"Emotional Grounding","instructionsShort":"Hear them first.","instructionsDetailed":"D.","evaluationCriteria":["FEELINGS a","SIGNS b","WORDS c"],"createdAt":"2023-09-01T00:00:00.000Z","updatedAt":"2023-09-01T00:00:00.000Z"},
             {"id":3,"title":"Faith Integration","instructionsShort":"Within their faith.","instructionsDetailed":"D.","evaluationCriteria":["TEACHINGS a","PEOPLE b","TENSIONS c"],"createdAt":"2023-09-01T00:00:00.000Z","updatedAt":"2023-09-01T00:00:00.000Z"}]
            """);
        Write("dump/edge.json", """
            [{"userId":1,"fromId":1,"toId":2,"story":"s","contextId":"When in distress","relationship":"upgrade","createdAt":"2023-10-01T00:00:00.000Z"},
             {"userId":2,"fromId":1,"toId":2,"story":"s","contextId":"When in distress","relationship":"upgrade","createdAt":"2023-10-01T01:00:00.000Z"},
             {"userId":3,"fromId":1,"toId":2,"story":"s","contextId":"When in distress","relationship":"not_sure","createdAt":"2023-10-01T02:00:00.000Z"},
             {"userId":4,"fromId":3,"toId":1,"story":"s","contextId":"When making decisions","relationship":"upgrade","createdAt":"2023-10-02T00:00:00.000Z"},
             {"userId":5,"fromId":3,"toId":1,"story":"s","contextId":"When making decisions","relationship":"upgrade","createdAt":"2023-10-30T00:00:00.000Z"}]
            """);
        return PathOf("dump");
    }

    public void Dispose() => Folder.Delete(recursive: true);
}
