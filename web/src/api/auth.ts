import type { User } from "../types";
import { request } from "./http";

export interface SignupInput {
  fullName: string;
  email: string;
  password: string;
  /** The hidden honeypot field; only a bot fills it. */
  website?: string;
}

export interface LoginInput {
  email: string;
  password: string;
}

export async function checkSession(): Promise<User> {
  return (await request<User>("/auth/check")).data;
}

export async function signup(input: SignupInput): Promise<User> {
  return (await request<User>("/auth/signup", { method: "POST", body: input })).data;
}

export async function login(input: LoginInput): Promise<User> {
  return (await request<User>("/auth/login", { method: "POST", body: input })).data;
}

export async function logout(): Promise<string> {
  return (await request<{ message: string }>("/auth/logout", { method: "POST" })).data.message;
}

export async function updateProfile(input: { profilePic?: string; fullName?: string }): Promise<User> {
  return (await request<User>("/auth/update-profile", { method: "PUT", body: input })).data;
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<string> {
  return (
    await request<{ message: string }>("/auth/password", { method: "PUT", body: { currentPassword, newPassword } })
  ).data.message;
}

export async function logoutEverywhere(): Promise<string> {
  return (await request<{ message: string }>("/auth/logout-all", { method: "POST" })).data.message;
}

/** Always the same answer whether or not the account exists. */
export async function forgotPassword(email: string): Promise<string> {
  return (await request<{ message: string }>("/auth/forgot-password", { method: "POST", body: { email } })).data
    .message;
}

export async function resetPassword(token: string, newPassword: string): Promise<string> {
  return (
    await request<{ message: string }>("/auth/reset-password", { method: "POST", body: { token, newPassword } })
  ).data.message;
}
