using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using MoralGraph.Core.Events;

namespace MoralGraph.Core.Erasure;

/// <summary>
/// Encrypts the words a participant wrote in an event with their data key, and reads them back. Each text becomes an
/// envelope <c>mgenc:v1:{keyId}:{base64(nonce ‖ ciphertext ‖ tag)}</c> (AES-256-GCM, a random 96-bit nonce per text),
/// authenticated together with the study, the participant and the field, so a ciphertext cannot be moved to another
/// participant's event and read as theirs. Once the key is destroyed every such text reads as
/// <see cref="ParticipantText.Withdrawn"/>.
/// </summary>
/// <param name="keys">Where the participants' keys are kept.</param>
public sealed class ParticipantTextProtector(IParticipantKeyStore keys)
{
    /// <summary>How every encrypted text starts.</summary>
    public const string EnvelopePrefix = "mgenc:v1:";

    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    /// <summary>The key store this protector reads and creates keys in.</summary>
    public IParticipantKeyStore Keys { get; } = keys ?? throw new ArgumentNullException(nameof(keys));

    /// <summary>
    /// True once <see cref="Reveal"/> read a participant's text stored in clear: the store was written before encryption
    /// and wants <c>moralgraph store encrypt</c>.
    /// </summary>
    public bool HasReadClearText { get; private set; }

    /// <summary>True when <paramref name="text"/> is an encrypted envelope.</summary>
    public static bool IsEnvelope(string text) => text is not null && text.StartsWith(EnvelopePrefix, StringComparison.Ordinal);

    /// <summary>
    /// The event with its participant's texts encrypted (texts already encrypted stay as they are). A participant
    /// whose key was destroyed gets <see cref="ParticipantText.Withdrawn"/> instead: nothing they write after their
    /// withdrawal is kept. Events without participant text are returned as they are.
    /// </summary>
    /// <param name="studyEvent">The event.</param>
    /// <param name="owner">Whose words they are, when the event does not say (a facilitator's edit of a card); else null.</param>
    public StudyEvent Protect(StudyEvent studyEvent, string? owner = null)
    {
        ArgumentNullException.ThrowIfNull(studyEvent);
        owner ??= studyEvent.ParticipantTextOwner();
        studyEvent = studyEvent.MapQuotedText((field, quoted, text) => IsEnvelope(text) ? text : EncryptForEach(studyEvent.StudyId, quoted, field, text));
        if (owner is null)
        {
            return studyEvent;
        }

        var key = Keys.GetOrCreate(studyEvent.StudyId, owner);
        if (key.Material is not { } material)
        {
            return studyEvent.MapParticipantText(ParticipantText.Erase);
        }

        using var aes = new AesGcm(material, TagBytes);
        return studyEvent.MapParticipantText((field, text) => IsEnvelope(text) ? text : Encrypt(aes, key.KeyId, studyEvent.StudyId, owner, field, text));
    }

    /// <summary>
    /// The event with its participant's texts decrypted; texts whose key was destroyed read as
    /// <see cref="ParticipantText.Withdrawn"/>, and texts stored in clear (before the store was encrypted) as they are.
    /// </summary>
    /// <exception cref="InvalidOperationException">An encrypted text does not decrypt with its key (it was altered).</exception>
    public StudyEvent Reveal(StudyEvent studyEvent)
    {
        ArgumentNullException.ThrowIfNull(studyEvent);
        studyEvent = studyEvent.MapQuotedText((field, quoted, text) => IsEnvelope(text) ? DecryptForEach(studyEvent.StudyId, quoted, field, text) : text);
        if (studyEvent.ParticipantTextOwner() is not { } owner)
        {
            return studyEvent;
        }

        var hasEnvelope = false;
        var clear = false;
        studyEvent.MapParticipantText((_, text) =>
        {
            hasEnvelope |= IsEnvelope(text);
            clear |= !IsEnvelope(text) && text != ParticipantText.Withdrawn;
            return text;
        });
        if (clear)
        {
            HasReadClearText = true;
        }

        return hasEnvelope ? studyEvent.MapParticipantText((field, text) => IsEnvelope(text) ? Decrypt(studyEvent.StudyId, owner, field, text) : text) : studyEvent;
    }

    /// <summary>True when the event holds some participant text in clear (a store written before encryption).</summary>
    public static bool HasClearText(StudyEvent studyEvent)
    {
        ArgumentNullException.ThrowIfNull(studyEvent);
        var clear = false;
        studyEvent.MapParticipantText((_, text) =>
        {
            clear |= !IsEnvelope(text) && text != ParticipantText.Withdrawn;
            return text;
        });
        studyEvent.MapQuotedText((_, _, text) =>
        {
            clear |= !IsEnvelope(text) && text != ParticipantText.Withdrawn;
            return text;
        });
        return clear;
    }

    /// <summary>Encrypts with each quoted participant's key in turn, so the text needs every one of them to be read.</summary>
    private string EncryptForEach(string studyId, IReadOnlyList<string> quoted, string field, string text)
    {
        foreach (var participant in quoted)
        {
            var key = Keys.GetOrCreate(studyId, participant);
            if (key.Material is not { } material)
            {
                return ParticipantText.Withdrawn;
            }

            using var aes = new AesGcm(material, TagBytes);
            text = Encrypt(aes, key.KeyId, studyId, participant, field, text);
        }

        return text;
    }

    private string DecryptForEach(string studyId, IReadOnlyList<string> quoted, string field, string text)
    {
        for (var i = quoted.Count - 1; i >= 0 && IsEnvelope(text); i--)
        {
            text = Decrypt(studyId, quoted[i], field, text);
            if (ReferenceEquals(text, ParticipantText.Withdrawn))
            {
                return text;
            }
        }

        return text;
    }

    private static string Encrypt(AesGcm aes, string keyId, string studyId, string owner, string field, string text)
    {
        var plain = Encoding.UTF8.GetBytes(text);
        var sealedBytes = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length), AssociatedData(studyId, owner, field));
        return $"{EnvelopePrefix}{keyId}:{Convert.ToBase64String(sealedBytes)}";
    }

    private string Decrypt(string studyId, string owner, string field, string envelope)
    {
        var rest = envelope.AsSpan(EnvelopePrefix.Length);
        var colon = rest.IndexOf(':');
        if (colon <= 0)
        {
            throw Damaged(studyId, owner, field, "it is not a well-formed envelope");
        }

        var keyId = rest[..colon].ToString();
        var key = Keys.Find(keyId);
        if (key?.Material is not { } material)
        {
            // Destroyed (a withdrawal), or never kept: either way the words are gone, which is the promise.
            return ParticipantText.Withdrawn;
        }

        if (key.StudyId != studyId || key.ParticipantId != owner)
        {
            throw Damaged(studyId, owner, field, "it names another participant's key");
        }

        var encoded = rest[(colon + 1)..];
        var sealedBytes = new byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
        if (!Convert.TryFromBase64Chars(encoded, sealedBytes, out var length) || length < NonceBytes + TagBytes)
        {
            throw Damaged(studyId, owner, field, "its ciphertext is not base64 of a nonce, a ciphertext and a tag");
        }

        var plain = new byte[length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(material, TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length, TagBytes), plain, AssociatedData(studyId, owner, field));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw Damaged(studyId, owner, field, "it does not decrypt with its key (altered)", e);
        }

        return Encoding.UTF8.GetString(plain);
    }

    // Binding the study, the participant and the field makes a ciphertext readable only where it was written.
    private static byte[] AssociatedData(string studyId, string owner, string field) => Encoding.UTF8.GetBytes($"{EnvelopePrefix}{studyId}\n{owner}\n{field}");

    private static InvalidOperationException Damaged(string studyId, string owner, string field, string why, Exception? inner = null) =>
        new($"The event log is damaged: the {field} of participant '{owner}' in study '{studyId}' cannot be read: {why}. Run 'moralgraph audit verify'.", inner);
}
