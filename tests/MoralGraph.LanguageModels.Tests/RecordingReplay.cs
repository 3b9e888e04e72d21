using System.Text.Json;
using MoralGraph.Testing.LanguageModels;

namespace MoralGraph.LanguageModels.Tests;

/// <summary>Queues the text answers of a recording under <c>Recordings/</c> on a test bed's scripted client.</summary>
internal static class RecordingReplay
{
    public static ScriptedChatClient Replay(this ScriptedChatClient chat, string recording)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recordings", recording)));
        foreach (var response in document.RootElement.EnumerateArray())
        {
            chat.Reply(response.GetProperty("text").GetString()!);
        }

        return chat;
    }
}
