import { describe, expect, it } from "vitest";
import { emailProblem, enteredEmailProblem, nameProblem, newPasswordProblem } from "./validation";

describe("form checks", () => {
  it("want a name of 1 to 50 characters after trimming", () => {
    expect(nameProblem("  Ada ")).toBeNull();
    expect(nameProblem("   ")).toBe("Enter your name.");
    expect(nameProblem("x".repeat(51))).toBe("Full name must be at most 50 characters.");
    expect(nameProblem("😀".repeat(50))).toBeNull(); // characters, as the server counts them
  });

  it("want something that looks like an email", () => {
    expect(emailProblem(" ada@example.com ")).toBeNull();
    expect(emailProblem("")).toBe("Enter your email address.");
    expect(emailProblem("ada@")).toBe("Enter a valid email address.");
    expect(emailProblem("ada example.com")).toBe("Enter a valid email address.");
    expect(emailProblem("alice@nas")).toBeNull(); // a local name: the server's to refuse or take
  });

  it("log in with anything typed: its format is the server's to judge", () => {
    expect(enteredEmailProblem("alice@nas")).toBeNull();
    expect(enteredEmailProblem("notanemail")).toBeNull();
    expect(enteredEmailProblem("  ")).toBe("Enter your email address.");
  });

  it("want a new password of 6 to 128 characters, typed the same twice", () => {
    expect(newPasswordProblem("secret", "secret")).toBeNull();
    expect(newPasswordProblem("short", "short")).toBe("Password must be at least 6 characters.");
    expect(newPasswordProblem("x".repeat(129), "x".repeat(129))).toBe("Password must be at most 128 characters.");
    expect(newPasswordProblem("secret1", "secret2")).toBe("The two passwords do not match.");
    expect(newPasswordProblem("😀😀😀", "😀😀😀")).toBe("Password must be at least 6 characters.");
  });
});
