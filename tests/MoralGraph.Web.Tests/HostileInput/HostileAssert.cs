using System.Net;
using MoralGraph.Tests.HostileInput;

namespace MoralGraph.Web.Tests.HostileInput;

/// <summary>What every hostile case must show: no server error, and text that comes back as text.</summary>
public static class HostileAssert
{
    /// <summary>Fails on a 5xx, showing what the server said.</summary>
    public static async Task NoServerErrorAsync(HttpResponseMessage response, string what)
    {
        ArgumentNullException.ThrowIfNull(response);
        if ((int)response.StatusCode >= 500)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"{what} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 2_000)]}");
        }
    }

    /// <summary>
    /// True when <paramref name="response"/> is the request-size refusal (413 with a problem document saying so), which
    /// a flood of text past a form's body limit gets before any field is read.
    /// </summary>
    public static async Task<bool> IsTooLargeRefusalAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode != HttpStatusCode.RequestEntityTooLarge)
        {
            return false;
        }

        using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()));
        return true;
    }

    /// <summary>
    /// <paramref name="html"/> shows <paramref name="text"/> as text: its characters are there once entities are decoded,
    /// and none of its tags is there as a tag.
    /// </summary>
    public static void ShownAsText(string html, string text)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(text);
        // A long text is checked by its opening: a page may shorten what it shows, never change it.
        var expected = HostileStrings.ThroughUtf8(text).Trim();
        expected = expected[..Math.Min(expected.Length, 120)];
        Assert.Contains(expected, WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        foreach (var tag in Tags(text))
        {
            Assert.DoesNotContain(tag, html, StringComparison.Ordinal);
        }
    }

    // Each "<x…>" of the text: what would open an element if it reached the page raw.
    private static IEnumerable<string> Tags(string text)
    {
        for (var at = text.IndexOf('<', StringComparison.Ordinal); at >= 0 && at + 1 < text.Length; at = text.IndexOf('<', at + 1))
        {
            if (char.IsAsciiLetter(text[at + 1]))
            {
                var end = text.IndexOf('>', at + 1);
                yield return text[at..(end < 0 ? text.Length : end + 1)];
            }
        }
    }
}
