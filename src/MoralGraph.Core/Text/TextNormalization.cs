using System.Text;

namespace MoralGraph.Core;

/// <summary>Normalization applied to every piece of participant text before it is judged or stored.</summary>
public static class TextNormalization
{
    private const char ByteOrderMark = '\uFEFF';

    /// <summary>
    /// Trims, turns every run of whitespace (including newlines and tabs) into one space and strips
    /// control characters, so "empty" means empty and lengths mean what a reader sees. A leading U+FEFF (a byte order
    /// mark pasted along) goes too.
    /// </summary>
    public static string CollapseWhitespace(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in ReplaceLoneSurrogates(text).Normalize(NormalizationForm.FormC))
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            // The browser end of a Blazor circuit decodes each string with TextDecoder, which drops a leading byte order
            // mark: kept, it vanished from a page after a reload and the next save dropped it, changing the text.
            if (char.IsControl(c) || (c == ByteOrderMark && builder.Length == 0))
            {
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    // Half of a surrogate pair cannot be normalized, encoded or hashed reliably: it becomes U+FFFD, visibly.
    private static string ReplaceLoneSurrogates(string text)
    {
        if (!text.Any(char.IsSurrogate))
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }
}
