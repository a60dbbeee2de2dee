import { describe, expect, it } from "vitest";
import { emailProblem, nameProblem, newPasswordProblem } from "./validation";

describe("form checks", () => {
  it("want a name of 1 to 50 characters after trimming", () => {
    expect(nameProblem("  Ada ")).toBeNull();
    expect(nameProblem("   ")).toBe("Enter your name.");
    expect(nameProblem("x".repeat(51))).toBe("Full name must be at most 50 characters.");
  });

  it("want something that looks like an email", () => {
    expect(emailProblem(" ada@example.com ")).toBeNull();
    expect(emailProblem("")).toBe("Enter your email address.");
    expect(emailProblem("ada@")).toBe("Enter a valid email address.");
    expect(emailProblem("ada example.com")).toBe("Enter a valid email address.");
  });

  it("want a new password of 6 to 128 characters, typed the same twice", () => {
    expect(newPasswordProblem("secret", "secret")).toBeNull();
    expect(newPasswordProblem("short", "short")).toBe("Password must be at least 6 characters.");
    expect(newPasswordProblem("x".repeat(129), "x".repeat(129))).toBe("Password must be at most 128 characters.");
    expect(newPasswordProblem("secret1", "secret2")).toBe("The two passwords do not match.");
  });
});
