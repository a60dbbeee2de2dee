import type { User } from "../types";
import { request } from "./http";

export interface SignupInput {
  fullName: string;
  email: string;
  password: string;
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
