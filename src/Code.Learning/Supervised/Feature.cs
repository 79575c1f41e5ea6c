namespace Code.Learning.Supervised;

/// <summary>
/// One input of an online model: a numeric feature (<c>change_lines = 120</c>) or a categorical one
/// (<c>service = checkout</c>, value 1). Features are hashed into the model's weight table, so there is
/// no vocabulary to declare and hashing never allocates.
/// </summary>
public readonly record struct Feature
{
    /// <summary>Initializes a new instance of the <see cref="Feature"/> struct for a numeric feature.</summary>
    /// <param name="name">The feature name.</param>
    /// <param name="value">The value; scale it to roughly [-10, 10] (for example log of a size).</param>
    public Feature(string name, double value)
    {
        Name = name;
        Value = value;
    }

    /// <summary>Initializes a new instance of the <see cref="Feature"/> struct for a categorical feature (value 1).</summary>
    /// <param name="name">The feature name, for example <c>service</c>.</param>
    /// <param name="category">The category, for example <c>checkout</c>.</param>
    public Feature(string name, string category)
    {
        Name = name;
        Category = category;
        Value = 1;
    }

    /// <summary>Initializes a new instance of the <see cref="Feature"/> struct for a weighted categorical feature (an interaction such as change size per service).</summary>
    /// <param name="name">The feature name, for example <c>size_by_service</c>.</param>
    /// <param name="category">The category, for example <c>checkout</c>.</param>
    /// <param name="value">The value multiplied with the category's weight.</param>
    public Feature(string name, string category, double value)
    {
        Name = name;
        Category = category;
        Value = value;
    }

    /// <summary>Gets the feature name.</summary>
    public string Name { get; }

    /// <summary>Gets the category of a categorical feature; <see langword="null"/> for a numeric one.</summary>
    public string? Category { get; }

    /// <summary>Gets the value (1 for a plain categorical feature).</summary>
    public double Value { get; }

    /// <inheritdoc/>
    public override string ToString() => Category is null ? $"{Name}={Value}" : $"{Name}:{Category}";
}
