using System.Globalization;
using MoralGraph.Core.Text;

namespace MoralGraph.Core.Tests;

/// <summary>Wording that shows what was asked for: "key|arg0|arg1", so a test checks the script, not the words.</summary>
internal sealed class KeyPhrasebook : IPhrasebook
{
    public string Phrase(string key, params object?[] arguments) =>
        string.Join('|', [key, .. arguments.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture))]);
}
