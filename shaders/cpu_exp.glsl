// The CPU path's e^x (VectorMath.exp in Sources/Inference/Kernels/VectorMath.swift), step for step and
// without fused multiply-adds (`precise`), so the device feeds the same values into the next activation
// rounding: Cody–Waite reduction, a degree-6 polynomial, 2^n built in the exponent bits; inputs clamped
// to [-87, 88].
float cpu_exp(float value) {
    precise float x = value < -87.0 ? -87.0 : value;
    x = x > 88.0 ? 88.0 : x;
    const float magic = 12582912.0;
    precise float shifted = x * 1.44269504 + magic;
    precise float n = shifted - magic;
    precise float r = x - n * 0.693359375 + n * 2.1219444e-4;
    precise float p = r * 1.98756915e-4 + 1.39819995e-3;
    p = p * r + 8.333451907e-3;
    p = p * r + 4.166579589e-2;
    p = p * r + 1.666666546e-1;
    p = p * r + 5.00000012e-1;
    p = p * (r * r) + r + 1.0;
    int exponent = floatBitsToInt(shifted) - floatBitsToInt(magic);
    precise float scale = intBitsToFloat((exponent + 127) << 23);
    precise float result = p * scale;
    return result;
}
