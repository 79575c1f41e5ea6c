namespace Code.Experts.Experts;

/// <summary>How one expert of the circle is asked and weighed.</summary>
public class ChatExpertOptions
{
    /// <summary>Gets or sets the role prompt put before the verdict instructions, for example <c>You are a site reliability engineer.</c>.</summary>
    /// <value>The default value is <see langword="null"/> (a generic reviewer).</value>
    public string? RolePrompt { get; set; }

    /// <summary>Gets or sets the configured weight, greater than 0; the weighted strategies multiply it by the learned reliability.</summary>
    /// <value>The default value is 1.</value>
    public double Weight { get; set; } = 1;

    /// <summary>Gets or sets the model id asked for (<c>ChatOptions.ModelId</c>) and priced in <c>experts.prices</c>, whatever (dated) id the reply names.</summary>
    /// <value>The default value is <see langword="null"/> (the client's default model).</value>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets this expert's timeout; <see langword="null"/> uses <c>experts.per_expert_timeout</c>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the expert is asked for the reply's JSON schema
    /// (<c>ChatResponseFormat.ForJsonSchema</c>: the provider's structured output, where it has one); <see langword="false"/>
    /// asks for plain JSON (<c>ChatResponseFormat.Json</c>), for a provider or model that rejects schemas.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseJsonSchema { get; set; } = true;

    /// <summary>Gets or sets the sampling temperature asked for.</summary>
    /// <value>The default value is <see langword="null"/> (the model's default).</value>
    public float? Temperature { get; set; }
}
