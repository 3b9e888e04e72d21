using System.Globalization;
using System.Text;

namespace MoralGraph.Browser.Tests.Server;

/// <summary>
/// Everything the app wrote to stdout and stderr, across restarts, line by line. Written to from the process'
/// reader threads while tests read it.
/// </summary>
public sealed class ServerLog
{
    private readonly List<string> _lines = [];
    private readonly Lock _lock = new();

    /// <summary>How many lines there are so far; pass it to <see cref="Since"/> to read only what came after.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _lines.Count;
            }
        }
    }

    /// <summary>The whole log.</summary>
    public override string ToString() => Since(0);

    /// <summary>The lines from <paramref name="mark"/> (an earlier <see cref="Count"/>) on, one per line.</summary>
    public string Since(int mark)
    {
        lock (_lock)
        {
            var text = new StringBuilder();
            foreach (var line in _lines.Skip(mark))
            {
                text.AppendLine(line);
            }

            return text.ToString();
        }
    }

    internal void Add(int run, string stream, string line)
    {
        lock (_lock)
        {
            _lines.Add(string.Create(CultureInfo.InvariantCulture, $"[run {run} {stream}] {line}"));
        }
    }

    internal void Note(string line)
    {
        lock (_lock)
        {
            _lines.Add($"[fixture] {line}");
        }
    }
}
