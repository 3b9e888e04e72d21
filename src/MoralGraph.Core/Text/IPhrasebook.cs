namespace MoralGraph.Core.Text;

/// <summary>
/// Wording by key, in the participant's language. The domain decides what to say (the guided interview's
/// script, a story template) and the host supplies the words (the web app from its localized resources),
/// so translating the app only adds resources.
/// </summary>
public interface IPhrasebook
{
    /// <summary>The phrase for <paramref name="key"/> with <paramref name="arguments"/> filled in ({0}, {1}, …).</summary>
    string Phrase(string key, params object?[] arguments);
}
